package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.mail.FlagColumns;

/**
 * The current flags of some messages (a {@code CHANGEDSINCE} answer) as the server spells them, in
 * the server's order; each message points at one of a few distinct flag sets.
 */
public final class FlagUpdates extends FlagColumns<List<String>> {
    public FlagUpdates(long[] uids, int[] flagSetIds, List<List<String>> flagSets) {
        super(uids, flagSetIds, flagSets);
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
