package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current flags of some messages (a {@code CHANGEDSINCE} answer) as primitive arrays in the
 * server's order; each message points at one of a few distinct flag sets.
 */
public record FlagUpdates(long[] uids, int[] flagSetIds, List<List<String>> flagSets) {
    public FlagUpdates {
        if (flagSetIds.length != uids.length) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        flagSets = List.copyOf(flagSets);
    }

    public int size() {
        return uids.length;
    }

    public List<String> flags(int index) {
        return flagSets.get(flagSetIds[index]);
    }

    /** Collects FETCH results; equal flag sets are stored once. */
    static final class Builder {
        private long[] uids = new long[16];
        private int[] ids = new int[16];
        private int count;
        private final Map<List<String>, Integer> index = new HashMap<>();
        private final List<List<String>> sets = new ArrayList<>();

        void add(long uid, List<String> flags) {
            if (count == uids.length) {
                uids = Arrays.copyOf(uids, count * 2);
                ids = Arrays.copyOf(ids, count * 2);
            }
            uids[count] = uid;
            ids[count] = index.computeIfAbsent(flags, f -> {
                sets.add(f);
                return sets.size() - 1;
            });
            count++;
        }

        FlagUpdates build() {
            return new FlagUpdates(Arrays.copyOf(uids, count), Arrays.copyOf(ids, count), sets);
        }
    }
}
