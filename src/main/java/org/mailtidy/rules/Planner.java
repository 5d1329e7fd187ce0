package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans a mailbox run: folds the rules, in order, over the messages (sequential meaning, see
 * docs/architecture.md) and turns the result into the fewest operations.
 */
public final class Planner {

    private Planner() {
    }

    /**
     * The distinct server-side subtrees of these rules' criteria (maximal subtrees made only of
     * criteria the server answers: text, header, received/sent dates, sent age), each to be
     * answered by one {@code UID SEARCH}, in order of first appearance. Subtrees made only of
     * {@code all_messages} are constants and are not listed.
     */
    public static List<Criterion> serverQueries(List<RuleSpec> rules) {
        Set<Criterion> distinct = new LinkedHashSet<>();
        for (RuleSpec rule : rules) {
            distinct.addAll(CriteriaKinds.maximalServerSubtrees(rule.match()));
        }
        return new ArrayList<>(distinct);
    }

    /**
     * Which header fields must be fetched for which messages so that every regex criterion that
     * can decide a rule's outcome is known. {@code serverOnly} answers server queries; its header
     * values are not used.
     */
    public static HeaderNeed headerNeed(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence serverOnly,
                                        PlanContext context) {
        return HeaderNeedAnalysis.of(rules, snapshot, serverOnly, context);
    }

    /** The distinct regex criteria of these rules, in order of first appearance. */
    public static List<Criterion.HeaderRegex> regexCriteria(List<RuleSpec> rules) {
        Set<Criterion.HeaderRegex> distinct = new LinkedHashSet<>();
        for (RuleSpec rule : rules) {
            CriteriaKinds.collectRegexCriteria(rule.match(), distinct);
        }
        return new ArrayList<>(distinct);
    }

    /**
     * The messages of {@code messages} whose header values in {@code evidence} the regex finds, by
     * the same test the plan applies: for an engine that keeps outcomes between runs.
     */
    public static BitSet regexMatches(Criterion.HeaderRegex regex, BitSet messages, Evidence evidence) {
        return Condition.RegexTest.finds(regex, messages, evidence::headerValues);
    }

    /**
     * The plan. {@code evidence} must answer every subtree of {@link #serverQueries} and give the
     * header values of at least the messages and fields of {@link #headerNeed} ({@code null}
     * elsewhere is fine).
     *
     * @throws IllegalArgumentException if a {@code trash} rule matches messages and the context
     *                                  has no trash mailbox, or the snapshot's UIDs are not ascending
     */
    public static MailboxPlan plan(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence evidence,
                                   PlanContext context) {
        return new MailboxFold(rules, snapshot, evidence, context, true).plan();
    }

    /**
     * The same plan with an empty {@link MailboxPlan#audit()}: for a run that writes no audit file,
     * which at a million messages is spared megabytes of entries nobody reads.
     */
    public static MailboxPlan planWithoutAudit(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence evidence,
                                               PlanContext context) {
        return new MailboxFold(rules, snapshot, evidence, context, false).plan();
    }
}
