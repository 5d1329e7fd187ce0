package org.mailtidy.mail;

import java.util.List;

/**
 * FLAGS, INTERNALDATE and RFC822.SIZE of every message of a mailbox as primitive arrays in
 * ascending UID order: what the IMAP layer fetches and the planner reads, one shape for both.
 *
 * @param <F> a flag set
 */
public class MessageColumns<F> extends FlagColumns<F> {
    private final long[] internalDates;
    private final long[] sizes;

    /**
     * @param internalDates per message, INTERNALDATE as epoch milliseconds
     * @param sizes         per message, RFC822.SIZE in bytes
     */
    public MessageColumns(long[] uids, int[] flagSetIds, List<F> flagSets, long[] internalDates, long[] sizes) {
        super(uids, flagSetIds, flagSets);
        if (internalDates.length != uids.length || sizes.length != uids.length) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        this.internalDates = internalDates;
        this.sizes = sizes;
    }

    /** The same messages with {@code flagSets} in place of the present ones, index for index; no array is copied. */
    protected MessageColumns(MessageColumns<?> same, List<F> flagSets) {
        this(same.uids(), same.flagSetIds(), checkedCount(flagSets, same.flagSets().size()), same.internalDates,
                same.sizes);
    }

    private static <F> List<F> checkedCount(List<F> flagSets, int expected) {
        if (flagSets.size() != expected) {
            throw new IllegalArgumentException("flag sets " + flagSets.size() + " in place of " + expected);
        }
        return flagSets;
    }

    /** Per message, INTERNALDATE as epoch milliseconds; shared, not copied. */
    public final long[] internalDates() {
        return internalDates;
    }

    /** Per message, RFC822.SIZE in bytes; shared, not copied. */
    public final long[] sizes() {
        return sizes;
    }
}
