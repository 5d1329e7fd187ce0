package org.mailtidy.mail;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.LongStream;

/**
 * An immutable set of UIDs, held as a sorted array without duplicates. Equal when the UIDs are;
 * prints as an IMAP {@code sequence-set} ({@code 1:3,7}), so a plan's {@code toString} reads like
 * the commands it stands for.
 */
public final class UidSet {
    public static final UidSet EMPTY = new UidSet(new long[0]);

    private final long[] uids;

    private UidSet(long[] sortedDistinct) {
        this.uids = sortedDistinct;
    }

    /** The given UIDs, sorted and de-duplicated; the array is copied, never kept. */
    public static UidSet of(long... uids) {
        if (uids.length == 0) {
            return EMPTY;
        }
        long[] copy = uids.clone();
        if (!strictlyAscending(copy)) {
            copy = LongStream.of(copy).sorted().distinct().toArray();
        }
        return new UidSet(copy);
    }

    public static UidSet of(LongStream uids) {
        return of(uids.toArray());
    }

    /**
     * The UIDs at these indexes of a table's ascending UID column: what the planner hands over for
     * a million messages without a second copy of them.
     */
    public static UidSet select(long[] ascending, BitSet indexes) {
        long[] out = new long[indexes.cardinality()];
        int i = 0;
        for (int m = indexes.nextSetBit(0); m >= 0; m = indexes.nextSetBit(m + 1)) {
            out[i++] = ascending[m];
        }
        return owned(out);
    }

    /** The UIDs at these ascending indexes of a table's ascending UID column. */
    public static UidSet select(long[] ascending, int[] indexes) {
        long[] out = new long[indexes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ascending[indexes[i]];
        }
        return owned(out);
    }

    /** The UIDs at these ascending positions of this set. */
    public UidSet subset(int[] positions) {
        return select(uids, positions);
    }

    public int size() {
        return uids.length;
    }

    public boolean isEmpty() {
        return uids.length == 0;
    }

    /** The {@code i}-th smallest UID. */
    public long get(int i) {
        return uids[i];
    }

    public boolean contains(long uid) {
        return Arrays.binarySearch(uids, uid) >= 0;
    }

    /** A fresh ascending array of the UIDs (the caller may change it). */
    public long[] toArray() {
        return uids.clone();
    }

    public LongStream stream() {
        return Arrays.stream(uids);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UidSet other && Arrays.equals(uids, other.uids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uids);
    }

    /** Ranges of consecutive UIDs joined by commas, e.g. {@code 1:3,7}; empty for no UIDs. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < uids.length; ) {
            int j = i;
            while (j + 1 < uids.length && uids[j + 1] == uids[j] + 1) {
                j++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(uids[i]);
            if (j > i) {
                out.append(':').append(uids[j]);
            }
            i = j + 1;
        }
        return out.toString();
    }

    private static UidSet owned(long[] fresh) {
        if (fresh.length == 0) {
            return EMPTY;
        }
        return new UidSet(strictlyAscending(fresh) ? fresh : LongStream.of(fresh).sorted().distinct().toArray());
    }

    private static boolean strictlyAscending(long[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
