package org.mailtidy.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.LongStream;

/**
 * A mailbox cache keeps search and regex answers as ascending UID ranges; a run reads them back as
 * indexes into the snapshot's ascending UIDs.
 */
final class CachedRanges {
    private CachedRanges() {
    }

    /** The index of the first UID above {@code uid}; the length when there is none. */
    static int firstAbove(long[] uids, long uid) {
        int i = Arrays.binarySearch(uids, uid);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The indexes of the UIDs up to {@code upTo} that lie in the ascending ranges. */
    static BitSet fromRanges(long[] uids, long[] ranges, long upTo) {
        BitSet out = new BitSet(uids.length);
        for (int r = 0; r + 1 < ranges.length; r += 2) {
            int from = firstAbove(uids, ranges[r] - 1);
            int to = firstAbove(uids, Math.min(ranges[r + 1], upTo));
            if (from < to) {
                out.set(from, to);
            }
        }
        return out;
    }

    /**
     * The matched UIDs as ranges over runs of consecutive indexes: a range may span UIDs that do not
     * exist, which never come back (UIDs are not reused), so {@code 1:1000} stays one range when
     * some of those messages were expunged.
     */
    static long[] toRanges(long[] uids, BitSet matched) {
        LongStream.Builder out = LongStream.builder();
        for (int i = matched.nextSetBit(0); i >= 0; ) {
            int end = matched.nextClearBit(i);
            out.add(uids[i]).add(uids[end - 1]);
            i = matched.nextSetBit(end);
        }
        return out.build().toArray();
    }
}
