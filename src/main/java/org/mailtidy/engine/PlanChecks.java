package org.mailtidy.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.RuleSpec;

/** The checks between plan and execute: the deletion limit and the flags the mailbox can store. */
final class PlanChecks {
    private PlanChecks() {
    }

    /** Safety checks between plan and execute: a refused plan sends nothing. */
    static void check(MailboxSession box, MailboxPlan plan, List<RuleSpec> rules, int maxDeletes) throws RunFailure {
        if (plan.deletionCount() > maxDeletes) {
            throw new RunFailure("refused: the rules would delete or trash " + plan.deletionCount()
                    + " messages, more than safety.max_deletes_per_run (" + maxDeletes
                    + "); nothing was changed");
        }
        // EXAMINE reports no PERMANENTFLAGS (RFC 3501 section 6.3.2): a dry run cannot check them.
        if (box.canStoreAnyKeyword() || box.readOnly()) {
            return;
        }
        Set<String> permanent = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        permanent.addAll(box.permanentFlags());
        Set<String> refused = new LinkedHashSet<>();
        for (var s : plan.stores()) {
            for (Flag f : s.flags()) {
                if (!permanent.contains(f.name())) {
                    refused.add(f.name());
                }
            }
        }
        if (!refused.isEmpty()) {
            List<String> ruleNames = rules.stream().filter(r -> usesAny(r, refused)).map(RuleSpec::name).toList();
            throw new RunFailure("the mailbox cannot store " + String.join(", ", refused)
                    + " (PERMANENTFLAGS " + box.permanentFlags() + "), needed by rule " + String.join(", ", ruleNames)
                    + "; nothing was changed");
        }
    }

    private static boolean usesAny(RuleSpec rule, Set<String> flags) {
        return rule.flagChange().named().stream().anyMatch(f -> flags.contains(f.name()));
    }
}
