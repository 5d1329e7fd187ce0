package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects FETCH results into primitive arrays; equal flag sets are stored once. */
final class MessageTableBuilder {
    private long[] uids;
    private int[] flagSetIds;
    private long[] dates;
    private long[] sizes;
    private int count;
    private final Map<List<String>, Integer> flagSetIndex = new HashMap<>();
    private final List<List<String>> flagSets = new ArrayList<>();

    MessageTableBuilder(int expected) {
        uids = new long[expected];
        flagSetIds = new int[expected];
        dates = new long[expected];
        sizes = new long[expected];
    }

    void add(long uid, List<String> flags, long internalDate, long size) {
        if (count == uids.length) {
            int capacity = Math.max(16, count * 2);
            uids = Arrays.copyOf(uids, capacity);
            flagSetIds = Arrays.copyOf(flagSetIds, capacity);
            dates = Arrays.copyOf(dates, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
        }
        uids[count] = uid;
        flagSetIds[count] = flagSetIndex.computeIfAbsent(flags, f -> {
            flagSets.add(f);
            return flagSets.size() - 1;
        });
        dates[count] = internalDate;
        sizes[count] = size;
        count++;
    }

    /**
     * Sorted by UID (servers answer in sequence order, which is UID order, but that is not promised).
     * In that usual case the arrays are handed over, not copied: at a million messages a copy and a
     * boxed sort index would more than double the peak heap (docs/performance.md).
     */
    MessageTable build() {
        boolean sorted = true;
        for (int i = 1; i < count && sorted; i++) {
            sorted = uids[i - 1] < uids[i];
        }
        if (sorted) {
            return new MessageTable(trim(uids), trim(flagSetIds), flagSets, trim(dates), trim(sizes));
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(uids[a], uids[b]));
        long[] u = new long[count];
        int[] f = new int[count];
        long[] d = new long[count];
        long[] s = new long[count];
        for (int i = 0; i < count; i++) {
            int from = order[i];
            u[i] = uids[from];
            f[i] = flagSetIds[from];
            d[i] = dates[from];
            s[i] = sizes[from];
        }
        return new MessageTable(u, f, flagSets, d, s);
    }

    private long[] trim(long[] a) {
        return a.length == count ? a : Arrays.copyOf(a, count);
    }

    private int[] trim(int[] a) {
        return a.length == count ? a : Arrays.copyOf(a, count);
    }
}
