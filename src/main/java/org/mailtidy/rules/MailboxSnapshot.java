package org.mailtidy.rules;

import java.util.List;
import java.util.Set;
import org.mailtidy.mail.MessageColumns;

/**
 * What a run knows about a mailbox when it starts: the message columns (ascending UIDs, unsigned
 * 32-bit values in a long) with the flags parsed, {@code \Recent} left out, and the UIDVALIDITY
 * they belong to.
 */
public final class MailboxSnapshot extends MessageColumns<Set<Flag>> {
    private final long uidValidity;

    /**
     * @param flagSetIds    per message, an index into {@code flagSets}
     * @param internalDates per message, INTERNALDATE as epoch milliseconds
     * @param sizes         per message, RFC822.SIZE in bytes
     */
    public MailboxSnapshot(long uidValidity, long[] uids, int[] flagSetIds, List<Set<Flag>> flagSets,
                           long[] internalDates, long[] sizes) {
        super(uids, flagSetIds, flagSets, internalDates, sizes);
        this.uidValidity = uidValidity;
    }

    /** The messages of {@code columns} with {@code flagSets} in place of theirs, index for index; the arrays are shared. */
    public MailboxSnapshot(long uidValidity, MessageColumns<?> columns, List<Set<Flag>> flagSets) {
        super(columns, flagSets);
        this.uidValidity = uidValidity;
    }

    public long uidValidity() {
        return uidValidity;
    }
}
