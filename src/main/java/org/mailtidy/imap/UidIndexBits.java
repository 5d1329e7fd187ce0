package org.mailtidy.imap;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Turns UID ranges into bits over the indexes of a snapshot's ascending UIDs: one bit range per UID
 * range, found by galloping forward from where the previous range ended. Servers answer in ascending
 * order, so a whole result costs one walk over the snapshot, not a binary search per UID; a range that
 * starts before the previous one searches again from the start. UIDs the snapshot does not hold (mail
 * that arrived after it was fetched, or was never there) set nothing.
 */
final class UidIndexBits implements UidRangeSink {
    private final long[] uids;
    private final BitSet bits;
    /** Every UID below this index is below the next range, if ranges keep ascending. */
    private int cursor;

    UidIndexBits(long[] ascendingUids) {
        this.uids = ascendingUids;
        this.bits = new BitSet(ascendingUids.length);
    }

    @Override
    public void range(long first, long last) {
        int start = cursor > 0 && uids[cursor - 1] >= first ? 0 : cursor;
        int from = firstAtLeast(start, first);
        int to = firstAtLeast(from, last + 1);
        bits.set(from, to);
        cursor = to;
    }

    /** The indexes of the snapshot UIDs named by the ranges received so far. */
    BitSet bits() {
        return bits;
    }

    /** The first index at or after {@code start} whose UID is at least {@code target}, or the length. */
    private int firstAtLeast(int start, long target) {
        int lo = start;
        int step = 1;
        while (lo < uids.length && uids[lo] < target) {
            int probe = lo + step;
            if (probe >= uids.length || uids[probe] >= target) {
                int i = Arrays.binarySearch(uids, lo + 1, Math.min(probe, uids.length), target);
                return i >= 0 ? i : -i - 1;
            }
            lo = probe + 1;
            step <<= 1;
        }
        return lo;
    }
}
