package org.mailtidy.rules;

import java.util.List;

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
     * answered by one {@code UID SEARCH}.
     */
    public static List<Criterion> serverQueries(List<RuleSpec> rules) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Which header fields must be fetched for which messages so that every regex criterion that
     * can decide a rule's outcome is known. {@code serverOnly} answers server queries; its header
     * values are not used.
     */
    public static HeaderNeed headerNeed(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence serverOnly,
                                        PlanContext context) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The plan. */
    public static MailboxPlan plan(List<RuleSpec> rules, MailboxSnapshot snapshot, Evidence evidence,
                                   PlanContext context) {
        throw new UnsupportedOperationException("TODO");
    }
}
