package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contract's "Meaning of a run" executed literally: rules one after another, each on every
 * message still in view, flags first, then copy, then move/trash/delete, then stop.
 */
public final class NaiveReference {

    /** What the reference run did, for comparison with a plan. */
    public record Result(FinalState state, Set<Long> deleted, Set<Long> trashed, Set<Long> moved, List<RuleStats> stats,
                  List<AuditEntry> audit) {
    }

    private NaiveReference() {
    }

    public static Result run(List<RuleSpec> rules, List<MemoryMessage> messages, PlanContext ctx) {
        Map<Long, Set<Flag>> flags = new LinkedHashMap<>();
        messages.forEach(m -> flags.put(m.uid(), new TreeSet<>(m.flags())));
        Set<Long> view = new LinkedHashSet<>(flags.keySet());
        Set<Long> deleted = new TreeSet<>();
        Set<Long> trashed = new TreeSet<>();
        Set<Long> moved = new TreeSet<>();
        Map<String, List<FinalState.Arrival>> arrivals = new HashMap<>();
        List<RuleStats> stats = new ArrayList<>();
        List<AuditEntry> audit = new ArrayList<>();
        for (RuleSpec rule : rules) {
            int matched = 0;
            int changed = 0;
            int copied = 0;
            int movedHere = 0;
            int deletedHere = 0;
            for (MemoryMessage m : messages) {
                if (!view.contains(m.uid())
                        || !NaiveCriteria.matches(rule.match(), m, flags.get(m.uid()), ctx.now(), ctx.today())) {
                    continue;
                }
                matched++;
                Set<Flag> before = flags.get(m.uid());
                Set<Flag> after = new TreeSet<>(rule.flagChange().applyTo(before));
                if (!after.equals(before)) {
                    changed++;
                    audit.addAll(flagAudit(m.uid(), rule, before, after));
                }
                flags.put(m.uid(), after);
                if (rule.copyTo().isPresent()) {
                    copied++;
                    arrivals.computeIfAbsent(rule.copyTo().get(), k -> new ArrayList<>())
                            .add(new FinalState.Arrival(m.uid(), after));
                    audit.add(new AuditEntry(m.uid(), rule.name(), "copy_to " + rule.copyTo().get()));
                }
                Disposition d = rule.disposition();
                if (d instanceof Disposition.Delete) {
                    deletedHere++;
                    deleted.add(m.uid());
                    audit.add(new AuditEntry(m.uid(), rule.name(), "delete"));
                } else if (d instanceof Disposition.Trash || d instanceof Disposition.MoveTo) {
                    String to = d instanceof Disposition.MoveTo mt ? mt.mailbox() : ctx.trashMailbox().orElseThrow();
                    movedHere++;
                    (d instanceof Disposition.Trash ? trashed : moved).add(m.uid());
                    arrivals.computeIfAbsent(to, k -> new ArrayList<>()).add(new FinalState.Arrival(m.uid(), after));
                    audit.add(new AuditEntry(m.uid(), rule.name(),
                            (d instanceof Disposition.Trash ? "trash " : "move_to ") + to));
                }
                if (d.removesMessage() || rule.stop()) {
                    view.remove(m.uid());
                }
            }
            stats.add(new RuleStats(rule.name(), matched, changed, copied, movedHere, deletedHere));
        }
        Map<Long, Set<Flag>> source = new LinkedHashMap<>(flags);
        source.keySet().removeAll(deleted);
        source.keySet().removeAll(trashed);
        source.keySet().removeAll(moved);
        return new Result(FinalState.of(source, arrivals, deleted), deleted, trashed, moved, stats, audit);
    }

    /** Written independently of the planner: by set difference, system flags listed first. */
    private static List<AuditEntry> flagAudit(long uid, RuleSpec rule, Set<Flag> before, Set<Flag> after) {
        if (rule.flagChange() instanceof FlagChange.Replace) {
            return List.of(new AuditEntry(uid, rule.name(), words("set_flags", after)));
        }
        List<AuditEntry> out = new ArrayList<>();
        Set<Flag> added = new TreeSet<>(after);
        added.removeAll(before);
        Set<Flag> removed = new TreeSet<>(before);
        removed.removeAll(after);
        if (!added.isEmpty()) {
            out.add(new AuditEntry(uid, rule.name(), words("add_flags", added)));
        }
        if (!removed.isEmpty()) {
            out.add(new AuditEntry(uid, rule.name(), words("remove_flags", removed)));
        }
        return out;
    }

    private static String words(String verb, Set<Flag> flags) {
        StringBuilder sb = new StringBuilder(verb);
        flags.stream()
                .sorted(Comparator.comparing((Flag f) -> f.name().startsWith("\\") ? 0 : 1).thenComparing(Flag::name))
                .forEach(f -> sb.append(' ').append(f.name()));
        return sb.toString();
    }
}
