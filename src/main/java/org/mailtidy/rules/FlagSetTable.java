package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The distinct flag sets of a run, each named by a small int, so per-message state is an
 * {@code int[]} rather than a million sets. A mailbox has few distinct sets, however many messages.
 */
final class FlagSetTable {

    private final List<Set<Flag>> sets = new ArrayList<>();
    private final Map<Set<Flag>, Integer> ids = new HashMap<>();
    private final Map<Flag, boolean[]> membership = new HashMap<>();

    int intern(Set<Flag> flags) {
        Integer id = ids.get(flags);
        if (id != null) {
            return id;
        }
        Set<Flag> copy = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
        sets.add(copy);
        ids.put(copy, sets.size() - 1);
        return sets.size() - 1;
    }

    Set<Flag> get(int id) {
        return sets.get(id);
    }

    int size() {
        return sets.size();
    }

    /** Indexed by set id: whether that set holds {@code flag}. Valid for the ids interned so far. */
    boolean[] membership(Flag flag) {
        boolean[] known = membership.getOrDefault(flag, new boolean[0]);
        if (known.length < sets.size()) {
            int from = known.length;
            known = Arrays.copyOf(known, sets.size());
            for (int id = from; id < known.length; id++) {
                known[id] = sets.get(id).contains(flag);
            }
            membership.put(flag, known);
        }
        return known;
    }

    /** Interns each of the snapshot's sets and returns every message's id in this table. */
    int[] internSnapshot(MailboxSnapshot snapshot) {
        int[] remap = new int[snapshot.flagSets().size()];
        for (int i = 0; i < remap.length; i++) {
            remap[i] = intern(withoutRecent(snapshot.flagSets().get(i)));
        }
        int[] out = new int[snapshot.size()];
        int[] given = snapshot.flagSetIds();
        for (int m = 0; m < out.length; m++) {
            out[m] = remap[given[m]];
        }
        return out;
    }

    // RFC 3501 section 2.3.2: no client can set or clear \Recent, so it takes no part in a plan.
    private static Set<Flag> withoutRecent(Set<Flag> flags) {
        if (!flags.contains(Flag.RECENT)) {
            return flags;
        }
        Set<Flag> out = new TreeSet<>(flags);
        out.remove(Flag.RECENT);
        return out;
    }
}
