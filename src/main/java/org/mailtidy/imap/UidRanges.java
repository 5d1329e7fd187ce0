package org.mailtidy.imap;

import java.util.Arrays;

/**
 * Collects UID ranges as they are read into one flat array of ascending, merged (first, last)
 * pairs: two longs per range, never an object per range or per UID.
 */
final class UidRanges implements UidRangeSink {
    private long[] pairs = new long[16];
    private int size;
    private boolean ascending = true;

    @Override
    public void range(long first, long last) {
        if (size > 0 && first <= pairs[size - 1] + 1) {
            if (first >= pairs[size - 2]) {
                pairs[size - 1] = Math.max(pairs[size - 1], last);
                return;
            }
            ascending = false;
        }
        if (size == pairs.length) {
            pairs = Arrays.copyOf(pairs, size * 2);
        }
        pairs[size++] = first;
        pairs[size++] = last;
    }

    /** The ranges, ascending and merged. */
    long[] toArray() {
        long[] out = Arrays.copyOf(pairs, size);
        return ascending ? out : sortAndMerge(out);
    }

    /** Servers may send ranges in any order (RFC 3501 leaves it open); rare, so a simple sort will do. */
    private static long[] sortAndMerge(long[] pairs) {
        int n = pairs.length / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(pairs[2 * a], pairs[2 * b]));
        UidRanges merged = new UidRanges();
        for (int i : order) {
            merged.range(pairs[2 * i], pairs[2 * i + 1]);
        }
        return Arrays.copyOf(merged.pairs, merged.size);
    }
}
