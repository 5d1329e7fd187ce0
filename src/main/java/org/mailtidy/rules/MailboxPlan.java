package org.mailtidy.rules;

import java.util.List;

/**
 * The immutable result of planning one mailbox run: the operations to send, in order, and what
 * each rule did.
 *
 * @param operations  steps to send, in order; empty when nothing changes
 * @param deletedUids UIDs the {@code delete} rules chose (the only ones ever expunged)
 * @param trashedUids UIDs that {@code trash} rules move to the trash mailbox
 * @param movedUids   UIDs that {@code move_to} rules move elsewhere
 * @param ruleEffects per rule, the messages behind each count of {@code ruleStats} (same order)
 */
public record MailboxPlan(List<Operation> operations, List<RuleStats> ruleStats, List<AuditEntry> audit,
                          long[] deletedUids, long[] trashedUids, long[] movedUids, List<RuleEffects> ruleEffects) {
    public MailboxPlan {
        operations = List.copyOf(operations);
        ruleStats = List.copyOf(ruleStats);
        ruleEffects = List.copyOf(ruleEffects);
        // The planner's audit is already an immutable compact list; copying it would inflate it.
        audit = audit instanceof AuditLog ? audit : List.copyOf(audit);
    }

    /**
     * The flags of the {@code index}-th audit entry's message before its rule (the flags it had on
     * the server, for the first entry of a message); empty for an audit not made by the planner.
     */
    public java.util.Set<Flag> auditFlagsBefore(int index) {
        return audit instanceof AuditLog log ? log.flagsBefore(index) : java.util.Set.of();
    }

    /** The flags after the entry's rule: a copy or a moved message carries these. */
    public java.util.Set<Flag> auditFlagsAfter(int index) {
        return audit instanceof AuditLog log ? log.flagsAfter(index) : java.util.Set.of();
    }

    /** Deletes and trashes, which {@code safety.max_deletes_per_run} bounds. */
    public int deletionCount() {
        return deletedUids.length + trashedUids.length;
    }
}
