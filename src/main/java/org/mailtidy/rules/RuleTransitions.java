package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One rule's flag change as a memoised map from flag set id to flag set id, with the audit text
 * of each transition, so applying a rule to a million messages is an array lookup per message.
 */
final class RuleTransitions {

    private static final int UNKNOWN = -1;
    /** System flags first, then keywords, each alphabetically: {@code \Seen Invoice}. */
    private static final Comparator<Flag> DISPLAY_ORDER =
            Comparator.comparing((Flag f) -> !f.isSystem()).thenComparing(Flag::name);

    private final FlagChange change;
    private final FlagSetTable table;
    private int[] next = new int[0];
    private final List<int[]> auditKinds = new ArrayList<>();
    private final String rule;
    private final AuditLog.Builder audit;

    RuleTransitions(String rule, FlagChange change, FlagSetTable table, AuditLog.Builder audit) {
        this.rule = rule;
        this.change = change;
        this.table = table;
        this.audit = audit;
    }

    boolean replaces() {
        return change.match(r -> true, d -> false);
    }

    /** The id of the flags after this rule for a message whose flags were {@code from}. */
    int next(int from) {
        if (from >= next.length) {
            int old = next.length;
            next = Arrays.copyOf(next, Math.max(table.size(), from + 1));
            Arrays.fill(next, old, next.length, UNKNOWN);
        }
        if (next[from] == UNKNOWN) {
            next[from] = change.isNone() ? from : table.intern(change.applyTo(table.get(from)));
        }
        return next[from];
    }

    /** The audit kinds (see {@link AuditLog.Builder#kind}) of the change from {@code from}; none if no change. */
    int[] auditKinds(int from) {
        while (auditKinds.size() <= from) {
            auditKinds.add(null);
        }
        int[] kinds = auditKinds.get(from);
        if (kinds == null) {
            kinds = describe(from).stream().mapToInt(action -> audit.kind(rule, action)).toArray();
            auditKinds.set(from, kinds);
        }
        return kinds;
    }

    private List<String> describe(int from) {
        int to = next(from);
        if (to == from) {
            return List.of();
        }
        return change.match(r -> List.of(action("set_flags", r.flags())), d -> deltaActions(d, from));
    }

    private List<String> deltaActions(FlagChange.Delta d, int from) {
        Set<Flag> before = table.get(from);
        List<String> out = new ArrayList<>(2);
        Set<Flag> added = new TreeSet<>(d.add());
        added.removeAll(before);
        Set<Flag> removed = new TreeSet<>(d.remove());
        removed.retainAll(before);
        if (!added.isEmpty()) {
            out.add(action("add_flags", added));
        }
        if (!removed.isEmpty()) {
            out.add(action("remove_flags", removed));
        }
        return List.copyOf(out);
    }

    static String action(String verb, Collection<Flag> flags) {
        StringBuilder sb = new StringBuilder(verb);
        flags.stream().sorted(DISPLAY_ORDER).forEach(f -> sb.append(' ').append(f.name()));
        return sb.toString();
    }
}
