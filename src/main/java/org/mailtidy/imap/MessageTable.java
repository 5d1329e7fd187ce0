package org.mailtidy.imap;

import java.util.List;
import org.mailtidy.mail.MessageColumns;

/**
 * FLAGS, INTERNALDATE and RFC822.SIZE of every message as the server spells the flags, in
 * ascending UID order; each message points at one of the mailbox's few distinct flag sets.
 */
public final class MessageTable extends MessageColumns<List<String>> {
    /** @param internalDates epoch milliseconds */
    public MessageTable(long[] uids, int[] flagSetIds, List<List<String>> flagSets, long[] internalDates,
                        long[] sizes) {
        super(uids, flagSetIds, flagSets, internalDates, sizes);
    }
}
