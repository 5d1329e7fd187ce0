package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.RuleEffects;
import org.mailtidy.rules.RuleStats;

/**
 * What the server acknowledged of a plan, per message of the snapshot, and the per-rule counts that
 * follow from it: the counts {@code once} prints and the INFO line claim only work the server
 * confirmed, never what the plan meant.
 *
 * <ul>
 *   <li>flags changed: the message's STOREs were acknowledged (not refused under CONDSTORE, not
 *       left unsent by a failure); for a message the plan deletes, only once it is expunged (its
 *       flag changes are then moot, and otherwise were never sent);</li>
 *   <li>copied: in the COPYUID source set of the rule's acknowledged COPY (the UIDs sent, on a
 *       server without UIDPLUS);</li>
 *   <li>moved: reported gone by the MOVE's own VANISHED or EXPUNGE responses; without MOVE, copied
 *       and then expunged (copied but left with {@code \Deleted} is not moved);</li>
 *   <li>deleted: reported expunged by the UID EXPUNGE (or the mailbox-wide EXPUNGE the user allowed).</li>
 * </ul>
 */
final class Acknowledged {
    private final long[] uids;
    private final BitSet moved = new BitSet();
    private final BitSet copiedForMove = new BitSet();
    private final BitSet expunged = new BitSet();
    private final Map<String, BitSet> copied = new HashMap<>();

    /** {@code snapshotUids}: the UIDs the plan was made from, ascending. */
    Acknowledged(long[] snapshotUids) {
        this.uids = snapshotUids;
    }

    /** The counts of a run that sent nothing (refused by a check, or a dry run's planned work unsent). */
    static List<RuleStats> nothingDone(MailboxPlan plan) {
        return plan.ruleStats().stream().map(s -> new RuleStats(s.rule(), s.matched(), 0, 0, 0, 0)).toList();
    }

    void copied(String rule, long[] sourceUids) {
        mark(sourceUids, copied.computeIfAbsent(rule, r -> new BitSet()));
    }

    /** Copied as the first step of a move on a server without MOVE: moved once expunged. */
    void copiedForMove(long[] sourceUids) {
        mark(sourceUids, copiedForMove);
    }

    void movedRanges(long[] ranges) {
        markRanges(ranges, moved);
    }

    void expungedRanges(long[] ranges) {
        markRanges(ranges, expunged);
    }

    void expunged(long[] expungedUids) {
        mark(expungedUids, expunged);
    }

    /** The plan's counts, each limited to what was acknowledged; {@code unfinished}: UIDs whose operations were not all acknowledged. */
    List<RuleStats> stats(MailboxPlan plan, Set<Long> unfinished) {
        BitSet notDone = new BitSet();
        for (long uid : unfinished) {
            int i = Arrays.binarySearch(uids, uid);
            if (i >= 0) {
                notDone.set(i);
            }
        }
        BitSet plannedDeleted = new BitSet();
        mark(plan.deletedUids().toArray(), plannedDeleted);
        BitSet flagsDone = new BitSet();
        flagsDone.set(0, uids.length);
        flagsDone.andNot(notDone);
        BitSet deletedNotExpunged = (BitSet) plannedDeleted.clone();
        deletedNotExpunged.andNot(expunged);
        flagsDone.andNot(deletedNotExpunged);
        BitSet movedAll = (BitSet) copiedForMove.clone();
        movedAll.and(expunged);
        movedAll.or(moved);

        List<RuleStats> out = new ArrayList<>(plan.ruleStats().size());
        for (int r = 0; r < plan.ruleStats().size(); r++) {
            RuleStats planned = plan.ruleStats().get(r);
            RuleEffects e = plan.ruleEffects().get(r);
            out.add(new RuleStats(planned.rule(), planned.matched(), both(e.flagsChanged(), flagsDone),
                    both(e.copied(), copied.getOrDefault(e.rule(), new BitSet())), both(e.moved(), movedAll),
                    both(e.deleted(), expunged)));
        }
        return out;
    }

    private static int both(BitSet a, BitSet b) {
        BitSet x = (BitSet) a.clone();
        x.and(b);
        return x.cardinality();
    }

    private void mark(long[] some, BitSet bits) {
        for (long uid : some) {
            int i = Arrays.binarySearch(uids, uid);
            if (i >= 0) {
                bits.set(i);
            }
        }
    }

    /** Ranges as ascending (first, last) pairs; walks the snapshot, never expands a range. */
    private void markRanges(long[] ranges, BitSet bits) {
        for (int k = 0; k + 1 < ranges.length; k += 2) {
            int i = Arrays.binarySearch(uids, ranges[k]);
            for (i = i >= 0 ? i : -i - 1; i < uids.length && uids[i] <= ranges[k + 1]; i++) {
                bits.set(i);
            }
        }
    }
}
