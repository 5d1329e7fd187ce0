package org.mailtidy.rules;

import java.util.List;
import java.util.stream.Stream;
import org.mailtidy.mail.UidSet;

/**
 * The immutable result of planning one mailbox run: the operations to send, in order, and what
 * each rule did. Equal when everything in it is; {@code toString} lists the commands as
 * {@link PlanText} renders them.
 *
 * @param operations  steps to send, in order; empty when nothing changes
 * @param deletedUids UIDs the {@code delete} rules chose (the only ones ever expunged)
 * @param trashedUids UIDs that {@code trash} rules move to the trash mailbox
 * @param movedUids   UIDs that {@code move_to} rules move elsewhere
 * @param ruleEffects per rule, the messages behind each count of {@code ruleStats} (same order)
 */
public record MailboxPlan(List<Operation> operations, List<RuleStats> ruleStats, List<AuditEntry> audit,
                          UidSet deletedUids, UidSet trashedUids, UidSet movedUids, List<RuleEffects> ruleEffects) {
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

    /** The store operations, in order. */
    public List<Operation.Store> stores() {
        return operations.stream().<Operation.Store>flatMap(op -> op.match(Stream::of, c -> Stream.empty(),
                m -> Stream.empty(), e -> Stream.empty())).toList();
    }

    /** The copy operations, in order. */
    public List<Operation.Copy> copies() {
        return operations.stream().<Operation.Copy>flatMap(op -> op.match(s -> Stream.empty(), Stream::of,
                m -> Stream.empty(), e -> Stream.empty())).toList();
    }

    /** Deletes and trashes, which {@code safety.max_deletes_per_run} bounds. */
    public int deletionCount() {
        return deletedUids.size() + trashedUids.size();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("MailboxPlan[").append(String.join("; ", PlanText.commands(this)));
        out.append(deletedUids.isEmpty() ? "" : "; deleted " + deletedUids);
        out.append(trashedUids.isEmpty() ? "" : "; trashed " + trashedUids);
        out.append(movedUids.isEmpty() ? "" : "; moved " + movedUids);
        return out.append("; ").append(ruleStats).append(']').toString();
    }
}
