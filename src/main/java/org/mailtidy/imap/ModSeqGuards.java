package org.mailtidy.imap;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

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
 */
final class ModSeqGuards {
    private final long selectHighest;
    private final Map<Long, Long> afterOwnStore = new HashMap<>();
    private final Set<Long> changedByOthers = new HashSet<>();

    ModSeqGuards(long selectHighest) {
        if (selectHighest <= 0) {
            throw new IllegalArgumentException("HIGHESTMODSEQ must be positive: " + selectHighest);
        }
        this.selectHighest = selectHighest;
    }

    boolean changedByOthers(long uid) {
        return changedByOthers.contains(uid);
    }

    /** The UIDs not yet refused, grouped by their guard, ascending within each group. */
    TreeMap<Long, long[]> byGuard(long[] uids) {
        TreeMap<Long, LongStream.Builder> groups = new TreeMap<>();
        for (long uid : uids) {
            if (!changedByOthers.contains(uid)) {
                groups.computeIfAbsent(afterOwnStore.getOrDefault(uid, selectHighest), g -> LongStream.builder()).add(uid);
            }
        }
        TreeMap<Long, long[]> out = new TreeMap<>();
        groups.forEach((guard, b) -> out.put(guard, b.build().toArray()));
        return out;
    }

    /**
     * Records one conditional STORE's outcome: {@code ours} are the mod-sequences the server
     * reported for the messages it changed, {@code refused} the UIDs of its MODIFIED code and of
     * FETCH responses that carried another client's flags.
     */
    void stored(Map<Long, Long> ours, long[] refused) {
        for (long uid : refused) {
            changedByOthers.add(uid);
            afterOwnStore.remove(uid);
        }
        long top = ours.values().stream().mapToLong(Long::longValue).max().orElse(0);
        for (long uid : ours.keySet()) {
            if (!changedByOthers.contains(uid)) {
                afterOwnStore.put(uid, top);
            }
        }
    }
}
