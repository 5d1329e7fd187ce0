package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;

/**
 * One planning pass: folds the rules in file order over the mailbox (the contract's "Meaning of a
 * run") and writes the operations. Per-message state is primitive: the effective flag set id, the
 * server's flag set id, and bits for "replaced", "still seen by later rules" and "deleted".
 */
final class MailboxFold {

    private final List<RuleSpec> rules;
    private final PlanContext context;
    private final int size;
    private final long[] uids;
    private final FlagSetTable table = new FlagSetTable();
    private final int[] effective;
    private final Facts facts;
    private final FlagStores stores;

    private final BitSet replaced = new BitSet();
    private final BitSet seen = new BitSet();
    private final BitSet deleted = new BitSet();
    private final BitSet trashed = new BitSet();
    private final BitSet moved = new BitSet();
    /** Destination mailbox to the messages moved there, in order of first use. */
    private final Map<String, BitSet> moves = new LinkedHashMap<>();

    private final List<Operation> operations = new ArrayList<>();
    private final List<RuleStats> stats = new ArrayList<>();
    private final List<RuleEffects> effects = new ArrayList<>();
    private final AuditLog.Builder audit;

    MailboxFold(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence evidence, PlanContext context,
                boolean keepAudit) {
        this.rules = List.copyOf(rules);
        this.audit = keepAudit ? new AuditLog.Builder() : AuditLog.Builder.discarding();
        this.context = context;
        this.size = snapshot.size();
        this.uids = snapshot.uids();
        requireAscending(uids);
        int[] original = table.internSnapshot(snapshot);
        this.effective = original.clone();
        this.facts = new Facts(snapshot, context.now().toEpochMilli(), table, effective, evidence);
        this.stores = new FlagStores(table, uids, original, this.rules);
        seen.set(0, size);
    }

    MailboxPlan plan() {
        for (RuleSpec rule : rules) {
            apply(rule);
        }
        UidSet deletedUids = finish();
        return new MailboxPlan(operations, stats, audit.build(table), deletedUids, stores.uidsOf(trashed),
                stores.uidsOf(moved), effects);
    }

    private void apply(RuleSpec rule) {
        BitSet matched = Condition.compile(rule.match()).eval(seen, facts);
        BitSet changedFlags = changeFlags(rule, matched);
        int copied = rule.copyTo().map(mailbox -> copy(rule, matched, mailbox)).orElse(0);
        int left = matched.isEmpty() ? 0 : dispose(rule, matched);
        if (rule.stop() || rule.disposition().removesMessage()) {
            seen.andNot(matched);
        }
        boolean deletes = rule.disposition().deletes();
        stats.add(new RuleStats(rule.name(), matched.cardinality(), changedFlags.cardinality(), copied,
                deletes ? 0 : left, deletes ? left : 0));
        BitSet none = new BitSet();
        BitSet disposed = left == 0 ? none : (BitSet) matched.clone();
        effects.add(new RuleEffects(rule.name(), changedFlags, copied == 0 ? none : (BitSet) matched.clone(),
                deletes ? none : disposed, deletes ? disposed : none));
    }

    /** The messages whose flags the rule changed. */
    private BitSet changeFlags(RuleSpec rule, BitSet matched) {
        BitSet changed = new BitSet();
        if (rule.flagChange().isNone()) {
            return changed;
        }
        RuleTransitions transitions = new RuleTransitions(rule.name(), rule.flagChange(), table, audit);
        for (int m = matched.nextSetBit(0); m >= 0; m = matched.nextSetBit(m + 1)) {
            int from = effective[m];
            int to = transitions.next(from);
            if (to != from) {
                changed.set(m);
                for (int kind : transitions.auditKinds(from)) {
                    audit.add(uids[m], kind, from, to);
                }
                effective[m] = to;
            }
        }
        if (transitions.replaces()) {
            replaced.or(matched);
        }
        return changed;
    }

    /** A copy stage: the server first gets the flags the copies must carry (this rule's result). */
    private int copy(RuleSpec rule, BitSet matched, String mailbox) {
        BitSet copying = withoutPriorCopies(matched, rule.name(), mailbox);
        if (copying.isEmpty()) {
            return 0;
        }
        stores.bring(copying, effective, replaced, operations);
        operations.add(copyOperation(copying, mailbox, rule.name()));
        auditEach(copying, rule, "copy_to " + mailbox);
        return copying.cardinality();
    }

    /** The matched messages this rule has not copied to {@code mailbox} in an earlier run. */
    private BitSet withoutPriorCopies(BitSet matched, String rule, String mailbox) {
        UidSet before = matched.isEmpty() ? UidSet.EMPTY : context.priorCopies().uids(rule, mailbox);
        if (before.isEmpty()) {
            return matched;
        }
        BitSet out = (BitSet) matched.clone();
        for (int b = 0; b < before.size(); b++) {
            long uid = before.get(b);
            int m = Arrays.binarySearch(uids, uid);
            if (m >= 0) {
                out.clear(m);
            }
        }
        return out;
    }

    private Operation.Copy copyOperation(BitSet matched, String mailbox, String rule) {
        List<java.util.Set<Flag>> flagSets = new ArrayList<>();
        Map<Integer, Integer> localIndex = new java.util.HashMap<>();
        int[] flagSetOf = new int[matched.cardinality()];
        int i = 0;
        for (int m = matched.nextSetBit(0); m >= 0; m = matched.nextSetBit(m + 1)) {
            flagSetOf[i++] = localIndex.computeIfAbsent(effective[m], id -> {
                flagSets.add(table.get(id));
                return flagSets.size() - 1;
            });
        }
        return Operation.Copy.of(stores.uidsOf(matched), mailbox, rule, flagSets, flagSetOf);
    }

    /** Records where the matched messages go; returns how many leave the mailbox. */
    private int dispose(RuleSpec rule, BitSet matched) {
        return rule.disposition().match(keep -> 0, delete -> {
            deleted.or(matched);
            auditEach(matched, rule, "delete");
            return matched.cardinality();
        }, trash -> {
            String to = context.trashMailbox().orElseThrow(() -> new IllegalArgumentException(
                    "rule " + rule.name() + " trashes messages but the account has no trash mailbox"));
            trashed.or(matched);
            moves.computeIfAbsent(to, t -> new BitSet()).or(matched);
            auditEach(matched, rule, "trash " + to);
            return matched.cardinality();
        }, move -> {
            moved.or(matched);
            moves.computeIfAbsent(move.mailbox(), t -> new BitSet()).or(matched);
            auditEach(matched, rule, "move_to " + move.mailbox());
            return matched.cardinality();
        });
    }

    private void auditEach(BitSet messages, RuleSpec rule, String action) {
        int kind = audit.kind(rule.name(), action);
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            audit.add(uids[m], kind, effective[m], effective[m]);
        }
    }

    /**
     * Final flags (deletion makes them moot), moves per destination, then mark and expunge.
     *
     * @return the deleted UIDs (the expunge's own set: a million UIDs are not kept twice)
     */
    private UidSet finish() {
        BitSet staying = new BitSet();
        staying.set(0, size);
        staying.andNot(deleted);
        stores.bring(staying, effective, replaced, operations);
        moves.forEach((mailbox, messages) -> operations.add(new Operation.Move(stores.uidsOf(messages), mailbox)));
        UidSet deletedUids = stores.uidsOf(deleted);
        if (!deletedUids.isEmpty()) {
            BitSet unmarked = new BitSet();
            for (int m = deleted.nextSetBit(0); m >= 0; m = deleted.nextSetBit(m + 1)) {
                if (!stores.serverHas(m, Flag.DELETED)) {
                    unmarked.set(m);
                }
            }
            stores.store(unmarked, StoreMode.ADD, Flag.DELETED, operations);
            operations.add(new Operation.Expunge(deletedUids));
        }
        return deletedUids;
    }

    private static void requireAscending(long[] uids) {
        for (int i = 1; i < uids.length; i++) {
            if (uids[i] <= uids[i - 1]) {
                throw new IllegalArgumentException("snapshot UIDs not ascending at index " + i);
            }
        }
    }
}
