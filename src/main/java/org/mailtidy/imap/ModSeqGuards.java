package org.mailtidy.imap;

import java.util.Arrays;
import java.util.BitSet;
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
 * <p>While every mod-sequence between SELECT's HIGHESTMODSEQ and the highest this session's STOREs
 * were given is one of those STOREs' own, no other client changed anything since SELECT (each change
 * takes a new mod-sequence; RFC 7162 section 3.1.1 gives every STORE its own). Then that highest one,
 * W, is the exact guard for every message: ours carry the value we saw, the rest theirs from before
 * SELECT, and another client's change from now on gets one above W. So one guard serves all, and a
 * STORE split by the line limit does not split every later STORE by guard. At the first gap in that
 * window (another client's change, an expunge not known to be ours, a refusal) the per-message
 * guards above take over for the rest of the session. The own mod-sequences are one bit each.
 *
 * <p>A run may change a million messages, so what a STORE did is kept per message as the number of
 * that STORE in an {@code int[]} beside the fetched table's UIDs, not as a map of boxed UIDs.
 */
final class ModSeqGuards {
    /** Beyond this many mod-sequences past SELECT's (8 MB of bits) the per-message guards take over. */
    private static final long MAX_WINDOW = 1L << 26;

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
    /** Bit i: mod-sequence {@code selectHighest + 1 + i} was reported for one of our own changes. */
    private final BitSet ownModSeqs = new BitSet();
    /** True while all of (selectHighest, highest own] are known to be ours; never true again once false. */
    private boolean onlyOwnChanges = true;

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

    /** True while one guard, the highest own mod-sequence, is exact for every message (see the class comment). */
    boolean oneGuardForAll() {
        return onlyOwnChanges;
    }

    /**
     * Records one conditional STORE's outcome: {@code changed} are the messages the server changed,
     * {@code modSeqs} every mod-sequence it reported for them (any order, repeats allowed),
     * {@code refused} the UIDs of its MODIFIED code and those an untagged FETCH showed changed by
     * another client ({@link GuardedStoreReplies}: not every FETCH carrying FLAGS is one).
     */
    void stored(long[] changed, long[] modSeqs, long[] refused) {
        for (long uid : refused) {
            changedByOthers.add(uid);
            forget(uid);
        }
        if (refused.length > 0) {
            onlyOwnChanges = false;
        }
        long highest = 0;
        for (long modSeq : modSeqs) {
            highest = Math.max(highest, modSeq);
            markOwn(modSeq);
        }
        checkNoGap();
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

    /**
     * This session's own MOVE or EXPUNGE ended with {@code [HIGHESTMODSEQ n]} (QRESYNC, RFC 7162
     * section 3.2.10). When the server reported messages expunged during it, n one above the highest
     * own mod-sequence can only be that expunge (or another client's expunge of the same messages;
     * either way no message left was changed); anything else above leaves a change we did not see.
     */
    void expunged(long reportedHighest, boolean sawExpunges) {
        if (onlyOwnChanges && sawExpunges && reportedHighest == ownHighest() + 1) {
            markOwn(reportedHighest);
        } else if (reportedHighest > ownHighest()) {
            onlyOwnChanges = false;
        }
    }

    private void markOwn(long modSeq) {
        long offset = modSeq - selectHighest - 1;
        if (!onlyOwnChanges || offset < 0) {
            // At most SELECT's value: a message our STORE left as it was, reported anyway.
            return;
        }
        if (offset >= MAX_WINDOW) {
            onlyOwnChanges = false;
            return;
        }
        ownModSeqs.set((int) offset);
    }

    private void checkNoGap() {
        if (onlyOwnChanges && ownModSeqs.nextClearBit(0) != ownModSeqs.length()) {
            onlyOwnChanges = false;
        }
    }

    private long ownHighest() {
        return selectHighest + ownModSeqs.length();
    }

    long guardOf(long uid) {
        if (onlyOwnChanges) {
            return ownHighest();
        }
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
