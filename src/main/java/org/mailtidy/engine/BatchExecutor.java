package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.Operation;

/**
 * Sends a plan's operations in order: stores in flights ({@link StoreFlight}), copies and moves in
 * flights ({@link TransferFlight}) or one by one where a copy is journaled or the server has no
 * MOVE, expunges with {@link ExpungeSender}. Stops at once if the mailbox's UIDVALIDITY changes (the
 * UIDs would name other messages). Where the server refuses a conditional store because another
 * client changed a message (RFC 7162), the rest of the plan leaves that message alone too
 * ({@link LeftAlone}): no copy, move or expunge on a stale decision.
 */
final class BatchExecutor {
    private final ImapSession connection;
    private final MailboxSession box;
    private final List<String> notes;
    private final LeftAlone leftAlone = new LeftAlone();
    private final JournaledBatch journal;
    private final List<Operation> sending;
    /** Index in {@link #sending} of the operation in progress; its size once the batch is through. */
    private int current;
    private final List<long[]> copiedInsteadOfMoved = new ArrayList<>();
    private boolean expunged;
    private final List<CopiedUids> owedCopied = new ArrayList<>();
    private final TransferRecord record;
    private final TransferDestinations destinations;
    private final StoreFlight stores;
    private final TransferFlight transfers;
    private final ExpungeSender expunger;
    private final SendPermit permit;
    /** Copies of the plan handled so far (their index in the copy journal). */
    private int copies;

    /**
     * {@code read}: the snapshot the plan was made from (the flags a merged store starts from);
     * {@code journal}: null when copies are not journaled (no state directory); {@code acknowledged}
     * gets what the server confirmed of each operation; {@code permit} is asked before each
     * operation, and once it is revoked nothing more is sent.
     */
    BatchExecutor(ImapSession connection, MailboxSession box, boolean expungeWithoutUidplus, List<String> notes,
                  MailboxSnapshot read, MailboxPlan plan, JournaledBatch journal, Acknowledged acknowledged,
                  SendPermit permit) {
        this.permit = permit;
        this.sending = ExpungeBeforeMoves.order(plan.operations(), connection.hasCapability("MOVE"));
        this.connection = connection;
        this.box = box;
        this.notes = notes;
        this.journal = journal;
        this.record = new TransferRecord(connection, acknowledged);
        this.destinations = new TransferDestinations(connection);
        this.stores = new StoreFlight(connection, box, leftAlone, acknowledged, !permit.guardsEachOperation(),
                read);
        this.transfers = new TransferFlight(connection, box, journal != null, leftAlone, destinations, record);
        this.expunger = new ExpungeSender(connection, box, expungeWithoutUidplus, notes, acknowledged);
    }

    /**
     * Sends copies an earlier, broken batch owed (journal entries {@code 0..owed.size()-1}), before
     * the plan can move or delete their originals.
     *
     * @return per owed copy, where the copies went (empty without UIDPLUS)
     */
    List<CopiedUids> sendOwed(List<CopyJournal.Copy> owed) throws ImapException, RunFailure {
        for (int i = 0; i < owed.size(); i++) {
            guardUidValidity();
            owedCopied.add(copy(i, owed.get(i).uids(), owed.get(i).mailbox(), owed.get(i).rule()));
        }
        return owedCopied;
    }

    /** Where the plan's copies went (COPYUID), by {@link #copyKey}; absent without UIDPLUS. */
    Map<String, CopiedUids> planCopied() {
        return record.planCopied();
    }

    /** Where the moved (and trashed) messages went (COPYUID), by destination. */
    Map<String, CopiedUids> moved() {
        return record.moved();
    }

    static String copyKey(String rule, String mailbox) {
        return TransferRecord.copyKey(rule, mailbox);
    }

    /** The owed copies the server acknowledged so far, in order. */
    List<CopiedUids> owedCopied() {
        return owedCopied;
    }

    /** One operation's sending; dispatched by {@link Operation#match} so that every kind has one. */
    private interface Step {
        void send() throws ImapException, RunFailure;
    }

    void send() throws ImapException, RunFailure {
        copies = 0;
        for (current = 0; current < sending.size(); current++) {
            Operation op = sending.get(current);
            guardUidValidity();
            long[] uids = leftAlone.without(op.uids().toArray());
            if (transfers.carries(op)) {
                int next = transfers.send(sending, current);
                copies += (int) sending.subList(current, next).stream().filter(BatchExecutor::isCopy).count();
                current = next - 1;
                continue;
            }
            Step step = op.match(
                    s -> () -> {
                        if (uids.length > 0) {
                            sendStores();
                        }
                    },
                    c -> () -> sendCopy(c, uids),
                    m -> () -> {
                        if (uids.length > 0) {
                            sendMove(m, uids);
                        }
                    },
                    x -> () -> {
                        if (uids.length > 0) {
                            expunger.expunge(leftAlone.without(ExpungeSender.union(uids, copiedInsteadOfMoved)),
                                    copiedInsteadOfMoved);
                            expunged = true;
                        }
                    });
            step.send();
        }
        if (!expunged && !copiedInsteadOfMoved.isEmpty()) {
            guardUidValidity();
            expunger.expunge(leftAlone.without(ExpungeSender.union(new long[0], copiedInsteadOfMoved)),
                    copiedInsteadOfMoved);
            expunged = true;
        }
        if (leftAlone.firstRefusal() != null) {
            throw leftAlone.firstRefusal();
        }
        int changed = leftAlone.changedByOthersCount();
        if (changed > 0) {
            notes.add(changed + " message" + (changed == 1 ? " was" : "s were") + " changed by"
                    + " another client after mailtidy read them and left alone (CONDSTORE, RFC 7162); the next run"
                    + " handles them");
        }
    }

    private static boolean isCopy(Operation op) {
        return op.match(s -> false, c -> true, m -> false, x -> false);
    }

    /** The stores from {@link #current} on; {@link #current} ends where the flight says. */
    private void sendStores() throws ImapException {
        StoreFlight.Sent sent = stores.send(sending, current, copiedInsteadOfMoved);
        current = sent.position();
        if (sent.failure() != null) {
            throw sent.failure();
        }
        if (sent.expunged()) {
            expunged = true;
        }
    }

    private void sendCopy(Operation.Copy c, long[] uids) throws ImapException, RunFailure {
        int index = copies++;
        if (uids.length > 0) {
            CopiedUids copied = copy(journal == null ? -1 : journal.planCopy(index), uids, c.mailbox(), c.rule());
            record.copied(c.rule(), c.mailbox(), copied, uids);
        } else if (journal != null) {
            journal.acknowledged(journal.planCopy(index));
        }
    }

    /** A move the server could not take in a flight: one without MOVE (or the one the flight check let by). */
    private void sendMove(Operation.Move m, long[] uids) throws ImapException {
        if (connection.hasCapability("MOVE")) {
            record.moved(m.mailbox(), destinations.send(m.mailbox(), () -> box.move(uids, m.mailbox())));
        } else {
            // RFC 6851 section 3.3: without MOVE, COPY then mark and expunge the originals.
            CopiedUids copied = destinations.send(m.mailbox(), () -> box.copy(uids, m.mailbox()));
            record.copiedForMove(m.mailbox(), copied, uids);
            leftAlone.changedByOthers(box.store(uids, StoreMode.ADD, List.of(Flag.DELETED.name())));
            copiedInsteadOfMoved.add(uids);
        }
    }

    /**
     * After {@link #send} failed (or was never called): the UIDs some operation of which was not acknowledged (the one
     * that failed, those not sent, a pending expunge of copied-instead-of-moved originals). The
     * other messages' changes all reached the server.
     */
    Set<Long> unfinished() {
        Set<Long> out = leftAlone.unfinished();
        for (int i = current; i < sending.size(); i++) {
            sending.get(i).uids().stream().forEach(out::add);
        }
        if (!expunged) {
            copiedInsteadOfMoved.forEach(u -> LongStream.of(u).forEach(out::add));
        }
        return out;
    }

    /** The copies the server acknowledged so far (owed ones first), by rule and destination. */
    List<CopyLedger.Made> copiesMade() {
        return record.copiesMade();
    }

    /** UIDNEXT journaled before the COPY, so the next run can tell whether a COPY left in doubt was made. */
    private CopiedUids copy(int journalIndex, long[] uids, String mailbox, String rule)
            throws ImapException, RunFailure {
        CopiedUids copied;
        if (journal != null) {
            destinations.ensureExists(mailbox);  // STATUS needs the mailbox
            journal.sending(journalIndex, uids, connection.uidNext(mailbox));
            copied = box.copy(uids, mailbox);
        } else {
            copied = destinations.send(mailbox, () -> box.copy(uids, mailbox));
        }
        record.made(rule, mailbox, uids);
        if (journal != null) {
            journal.acknowledged(journalIndex);
        }
        return copied;
    }

    /**
     * Messages whose conditional store the server refused (RFC 7162): another client changed them,
     * so the plan for them is stale; and messages of stores the server refused outright. Nothing more
     * is sent for them in this run.
     */
    Set<Long> leftAlone() {
        return leftAlone.all();
    }

    private void guardUidValidity() throws RunFailure {
        if (box.uidValidityChanged()) {
            throw new RunFailure("the mailbox's UIDVALIDITY changed during the run; nothing more was sent");
        }
        Optional<String> revoked = permit.revoked();
        if (revoked.isPresent()) {
            throw new RunFailure(revoked.get() + "; nothing more was sent");
        }
    }
}
