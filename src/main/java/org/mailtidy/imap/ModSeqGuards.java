package org.mailtidy.imap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code UNCHANGEDSINCE} value (RFC 7162 section 3.1.3) that protects each message of a
 * selected mailbox against overwriting a change this session did not see.
 *
 * <p>Mod-sequences only grow, and every change gets one above the mailbox's highest at that moment
 * (RFC 7162 section 3.1.1). So for everything read after SELECT, the HIGHESTMODSEQ that SELECT
 * reported is a valid guard for all messages at once: a message changed since is refused, one
 * unchanged is not, and one value serves every message (commands do not multiply with messages).
 * After this session's own STORE changed a message, its guard becomes the highest mod-sequence
 * that STORE returned. A message refused once, or seen changed by another client, stays refused for
 * the rest of the session.
 *
 * <p>A run may change a million messages, so what a STORE did is kept per message as the number of
 * that STORE in an {@code int[]} beside the fetched table's UIDs, not as a map of boxed UIDs.
 */
final class ModSeqGuards {
    private final long selectHighest;
    /** The guard each of this session's changing STOREs left, by store number; number 0 means none. */
    private long[] storeGuards = new long[16];
    private int stores;
    /** Ascending UIDs of the fetched table; {@code lastStore[i]} is the number of the last STORE that changed the i-th. */
    private long[] tableUids = new long[0];
    private int[] lastStore;
    /** The same for UIDs outside the table (plans come from the table, so normally none). */
    private final Map<Long, Integer> lastStoreOutside = new HashMap<>();
    private final Set<Long> changedByOthers = new HashSet<>();

    ModSeqGuards(long selectHighest) {
        if (selectHighest <= 0) {
            throw new IllegalArgumentException("HIGHESTMODSEQ must be positive: " + selectHighest);
        }
        this.selectHighest = selectHighest;
    }

    /** The UIDs the session fetched (ascending, shared, not copied); ignored once a STORE changed something. */
    void track(long[] ascendingTableUids) {
        if (stores == 0) {
            tableUids = ascendingTableUids;
        }
    }

    boolean changedByOthers(long uid) {
        return changedByOthers.contains(uid);
    }

    /**
     * The UIDs not yet refused, grouped by their guard, ascending within each group. The usual case,
     * one guard for all, hands back the caller's array.
     */
    TreeMap<Long, long[]> byGuard(long[] uids) {
        TreeMap<Long, int[]> counts = new TreeMap<>();
        for (long uid : uids) {
            if (!changedByOthers.contains(uid)) {
                counts.computeIfAbsent(guardOf(uid), g -> new int[1])[0]++;
            }
        }
        TreeMap<Long, long[]> out = new TreeMap<>();
        if (counts.size() == 1 && counts.firstEntry().getValue()[0] == uids.length && ascending(uids)) {
            out.put(counts.firstKey(), uids);
            return out;
        }
        counts.forEach((guard, n) -> out.put(guard, new long[n[0]]));
        Map<Long, int[]> filled = new HashMap<>();
        for (long uid : uids) {
            if (!changedByOthers.contains(uid)) {
                long guard = guardOf(uid);
                out.get(guard)[filled.computeIfAbsent(guard, g -> new int[1])[0]++] = uid;
            }
        }
        out.values().forEach(Arrays::sort);
        return out;
    }

    /**
     * Records one conditional STORE's outcome: {@code changed} are the messages the server changed,
     * {@code highest} the highest mod-sequence it reported for them, {@code refused} the UIDs of its
     * MODIFIED code and of FETCH responses that carried another client's flags.
     */
    void stored(long[] changed, long highest, long[] refused) {
        for (long uid : refused) {
            changedByOthers.add(uid);
            forget(uid);
        }
        if (changed.length == 0) {
            return;
        }
        if (++stores == storeGuards.length) {
            storeGuards = Arrays.copyOf(storeGuards, stores * 2);
        }
        storeGuards[stores] = highest;
        for (long uid : changed) {
            if (!changedByOthers.contains(uid)) {
                remember(uid, stores);
            }
        }
    }

    private long guardOf(long uid) {
        int i = Arrays.binarySearch(tableUids, uid);
        int store = i >= 0 ? (lastStore == null ? 0 : lastStore[i]) : lastStoreOutside.getOrDefault(uid, 0);
        return store == 0 ? selectHighest : storeGuards[store];
    }

    private void remember(long uid, int store) {
        int i = Arrays.binarySearch(tableUids, uid);
        if (i < 0) {
            lastStoreOutside.put(uid, store);
            return;
        }
        if (lastStore == null) {
            lastStore = new int[tableUids.length];
        }
        lastStore[i] = store;
    }

    private void forget(long uid) {
        int i = Arrays.binarySearch(tableUids, uid);
        if (i >= 0 && lastStore != null) {
            lastStore[i] = 0;
        }
        lastStoreOutside.remove(uid);
    }

    private static boolean ascending(long[] uids) {
        for (int i = 1; i < uids.length; i++) {
            if (uids[i] <= uids[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
