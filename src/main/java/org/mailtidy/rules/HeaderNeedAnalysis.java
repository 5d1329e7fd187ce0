package org.mailtidy.rules;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
                    needFieldsOfUnknownRegexes(rule, unknown, facts, needed, fields);
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

    /**
     * Of the messages whose outcome is unknown, those for which some regex of the rule has no known
     * outcome need that regex's field; a message whose regexes are all known gains nothing by a fetch.
     */
    private static void needFieldsOfUnknownRegexes(RuleSpec rule, BitSet unknown, Facts facts, BitSet needed,
                                                   Map<String, String> fields) {
        Set<Criterion.HeaderRegex> regexes = new LinkedHashSet<>();
        CriteriaKinds.collectRegexCriteria(rule.match(), regexes);
        for (Criterion.HeaderRegex regex : regexes) {
            BitSet open = (BitSet) unknown.clone();
            open.andNot(facts.knownOutcomes(regex).known());
            if (!open.isEmpty()) {
                needed.or(open);
                fields.putIfAbsent(regex.header().toLowerCase(Locale.ROOT), regex.header());
            }
        }
    }

    private static void noteFlagChanges(RuleSpec rule, BitSet all, Condition.Tri outcome, Facts facts) {
        BitSet mayMatch = (BitSet) all.clone();
        mayMatch.andNot(outcome.no());
        rule.flagChange().match(r -> {
            facts.mayHaveReplaced(mayMatch);
            return null;
        }, d -> {
            d.named().forEach(f -> facts.mayHaveChanged(f, mayMatch));
            return null;
        });
    }
}
