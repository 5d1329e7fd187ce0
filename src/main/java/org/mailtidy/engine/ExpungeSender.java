package org.mailtidy.engine;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;

/**
 * Expunges only with UID EXPUNGE (RFC 4315) and only the UIDs the plan marked; without UIDPLUS
 * nothing is expunged unless the user allowed a mailbox-wide EXPUNGE, and the run's notes say so.
 */
final class ExpungeSender {
    private final ImapSession connection;
    private final MailboxSession box;
    private final boolean expungeWithoutUidplus;
    private final List<String> notes;
    private final Acknowledged acknowledged;

    ExpungeSender(ImapSession connection, MailboxSession box, boolean expungeWithoutUidplus, List<String> notes,
                  Acknowledged acknowledged) {
        this.connection = connection;
        this.box = box;
        this.expungeWithoutUidplus = expungeWithoutUidplus;
        this.notes = notes;
        this.acknowledged = acknowledged;
    }

    /** {@code copiedInsteadOfMoved}: the originals of moves sent as COPY, among {@code uids}. */
    void expunge(long[] uids, List<long[]> copiedInsteadOfMoved) throws ImapException {
        if (connection.hasCapability("UIDPLUS")) {
            acknowledged.expungedRanges(box.uidExpunge(uids));
        } else if (expungeWithoutUidplus) {
            box.expungeAll();
            long[] remaining = box.stillPresent(uids);
            acknowledged.expunged(LongStream.of(uids).filter(u -> Arrays.binarySearch(remaining, u) < 0).toArray());
            notes.add("the server has no UIDPLUS: sent a mailbox-wide EXPUNGE as safety.expunge_without_uidplus allows");
        } else {
            notes.add("the server has no UIDPLUS (RFC 4315), so " + uids.length
                    + " messages were marked \\Deleted but not expunged: a plain EXPUNGE would also remove other"
                    + " clients' \\Deleted mail (set safety.expunge_without_uidplus: true to allow it)");
            int copiedNotMoved = copiedInsteadOfMoved.stream().mapToInt(a -> a.length).sum();
            if (copiedNotMoved > 0) {
                notes.add(copiedNotMoved + " message" + (copiedNotMoved == 1 ? " was" : "s were") + " copied to"
                        + " the move_to or trash mailbox but not moved (the server has no MOVE): the originals stay"
                        + " here marked \\Deleted, and are not counted as moved");
            }
        }
    }

    static long[] union(long[] first, List<long[]> more) {
        if (more.isEmpty()) {
            return first;   // the plan's own ascending array; a sorted copy would cost three arrays of it
        }
        LongStream all = LongStream.of(first);
        for (long[] m : more) {
            all = LongStream.concat(all, LongStream.of(m));
        }
        return all.sorted().distinct().toArray();
    }
}
