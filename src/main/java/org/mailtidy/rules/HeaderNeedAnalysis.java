package org.mailtidy.rules;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides which messages need which header fields fetched: those for which some regex rule's
 * criterion is unknown under Kleene's three-valued logic, with regex leaves unknown and flag
 * leaves unknown wherever an earlier rule may have changed that flag. Where a rule's outcome is
 * known without the headers, no value of them can change it, so the plan is the same.
 */
final class HeaderNeedAnalysis {

    private HeaderNeedAnalysis() {
    }

    static HeaderNeed of(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence serverOnly, PlanContext context) {
        FlagSetTable table = new FlagSetTable();
        int[] original = table.internSnapshot(snapshot);
        Facts facts = new Facts(snapshot, context.now().toEpochMilli(), table, original, serverOnly);
        BitSet all = new BitSet();
        all.set(0, snapshot.size());
        BitSet surelyGone = new BitSet();
        BitSet needed = new BitSet();
        Map<String, String> fields = new LinkedHashMap<>();
        for (RuleSpec rule : rules) {
            Condition.Tri outcome = Condition.compile(rule.match()).evalKleene(all, facts);
            if (CriteriaKinds.containsRegex(rule.match())) {
                BitSet unknown = (BitSet) all.clone();
                unknown.andNot(outcome.yes());
                unknown.andNot(outcome.no());
                unknown.andNot(surelyGone);
                if (!unknown.isEmpty()) {
                    needed.or(unknown);
                    CriteriaKinds.regexHeaders(rule.match())
                            .forEach(h -> fields.putIfAbsent(h.toLowerCase(Locale.ROOT), h));
                }
            }
            noteFlagChanges(rule, all, outcome, facts);
            // A message that surely matches leaves the view here, if it had not left before.
            if (rule.stop() || rule.disposition().removesMessage()) {
                surelyGone.or(outcome.yes());
            }
        }
        return new HeaderNeed(needed, new LinkedHashSet<>(fields.values()));
    }

    private static void noteFlagChanges(RuleSpec rule, BitSet all, Condition.Tri outcome, Facts facts) {
        BitSet mayMatch = (BitSet) all.clone();
        mayMatch.andNot(outcome.no());
        if (rule.flagChange() instanceof FlagChange.Replace) {
            facts.mayHaveReplaced(mayMatch);
        } else if (rule.flagChange() instanceof FlagChange.Delta d) {
            d.add().forEach(f -> facts.mayHaveChanged(f, mayMatch));
            d.remove().forEach(f -> facts.mayHaveChanged(f, mayMatch));
        }
    }
}
