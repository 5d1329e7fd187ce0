package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.imap.StoreMode;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.Operation;

/**
 * Sends a plan's operations in order. Stops at once if the mailbox's UIDVALIDITY changes (the
 * UIDs would name other messages). Expunges only with UID EXPUNGE (RFC 4315) and only the UIDs the
 * plan marked; without UIDPLUS nothing is expunged unless the user allowed a mailbox-wide EXPUNGE.
 */
final class BatchExecutor {
    private final ImapConnection connection;
    private final SelectedMailbox box;
    private final boolean expungeWithoutUidplus;
    private final List<String> notes;
    private final Set<String> createdDestinations = new LinkedHashSet<>();

    BatchExecutor(ImapConnection connection, SelectedMailbox box, boolean expungeWithoutUidplus, List<String> notes) {
        this.connection = connection;
        this.box = box;
        this.expungeWithoutUidplus = expungeWithoutUidplus;
        this.notes = notes;
    }

    void send(MailboxPlan plan) throws ImapException, RunFailure {
        List<long[]> copiedInsteadOfMoved = new ArrayList<>();
        boolean expunged = false;
        for (Operation op : plan.operations()) {
            guardUidValidity();
            if (op instanceof Operation.Store s) {
                box.store(s.uids(), mode(s.mode()), s.flags().stream().map(Flag::name).toList());
            } else if (op instanceof Operation.Copy c) {
                ensureExists(c.mailbox());
                box.copy(c.uids(), c.mailbox());
            } else if (op instanceof Operation.Move m) {
                ensureExists(m.mailbox());
                if (connection.hasCapability("MOVE")) {
                    box.move(m.uids(), m.mailbox());
                } else {
                    // RFC 6851 section 3.3: without MOVE, COPY then mark and expunge the originals.
                    box.copy(m.uids(), m.mailbox());
                    box.store(m.uids(), StoreMode.ADD, List.of(Flag.DELETED.name()));
                    copiedInsteadOfMoved.add(m.uids());
                }
            } else if (op instanceof Operation.Expunge e) {
                expunge(union(e.uids(), copiedInsteadOfMoved));
                expunged = true;
            }
        }
        if (!expunged && !copiedInsteadOfMoved.isEmpty()) {
            guardUidValidity();
            expunge(union(new long[0], copiedInsteadOfMoved));
        }
    }

    private void expunge(long[] uids) throws ImapException {
        if (connection.hasCapability("UIDPLUS")) {
            box.uidExpunge(uids);
        } else if (expungeWithoutUidplus) {
            box.expungeAll();
            notes.add("the server has no UIDPLUS: sent a mailbox-wide EXPUNGE as safety.expunge_without_uidplus allows");
        } else {
            notes.add("the server has no UIDPLUS (RFC 4315), so " + uids.length
                    + " messages were marked \\Deleted but not expunged: a plain EXPUNGE would also remove other"
                    + " clients' \\Deleted mail (set safety.expunge_without_uidplus: true to allow it)");
        }
    }

    private void guardUidValidity() throws RunFailure {
        if (box.uidValidityChanged()) {
            throw new RunFailure("the mailbox's UIDVALIDITY changed during the run; nothing more was sent");
        }
    }

    private void ensureExists(String mailbox) throws ImapException {
        if (createdDestinations.add(mailbox)) {
            connection.createIfMissing(mailbox);
        }
    }

    private static StoreMode mode(Operation.StoreMode m) {
        return switch (m) {
            case ADD -> StoreMode.ADD;
            case REMOVE -> StoreMode.REMOVE;
            case REPLACE -> StoreMode.REPLACE;
        };
    }

    private static long[] union(long[] first, List<long[]> more) {
        LongStream all = LongStream.of(first);
        for (long[] m : more) {
            all = LongStream.concat(all, LongStream.of(m));
        }
        return all.sorted().distinct().toArray();
    }
}
