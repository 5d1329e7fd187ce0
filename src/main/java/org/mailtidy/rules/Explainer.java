package org.mailtidy.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code mailtidy explain} for one message: the plan a run would make for it ({@link Planner#plan},
 * the same fold) and, rule by rule, each criterion's value for the message evaluated by the same
 * compiled conditions on the flags as the earlier rules left them. The two are checked against each
 * other: a rule the explanation says matched is one the plan matched, or this throws.
 */
public final class Explainer {

    /**
     * One row of a rule's criteria: a node of its criteria tree (pre-order, {@code depth} 0 for the
     * root), its value for the message, where the value came from, and whether it decided a non-match.
     */
    public record CriterionLine(int depth, String criterion, boolean value, String source, boolean deciding) {
    }

    /**
     * What one rule did with the message.
     *
     * @param notSeenBecause empty when the rule saw the message; else why not (an earlier rule moved
     *                       it, or matched it with {@code stop})
     * @param actions        the changes the rule made, as the audit names them
     */
    public record RuleExplanation(String rule, String notSeenBecause, boolean matched, List<CriterionLine> criteria,
                                  Set<Flag> flagsBefore, Set<Flag> flagsAfter, boolean stop, List<String> actions) {
        public RuleExplanation {
            criteria = List.copyOf(criteria);
            actions = List.copyOf(actions);
        }
    }

    /** Every rule in order, and the plan (its operations are what a run would send for the message). */
    public record Explanation(List<RuleExplanation> rules, MailboxPlan plan) {
        public Explanation {
            rules = List.copyOf(rules);
        }
    }

    private Explainer() {
    }

    /**
     * The server-side subtrees the explanation needs answered: those a run searches
     * ({@link Planner#serverQueries}) and every server-side node on its own, so that each criterion
     * shows its own value.
     */
    public static List<Criterion> serverQueries(List<RuleSpec> rules) {
        Set<Criterion> out = new LinkedHashSet<>(Planner.serverQueries(rules));
        for (RuleSpec rule : rules) {
            collect(rule.match(), out);
        }
        return new ArrayList<>(out);
    }

    private static void collect(Criterion c, Set<Criterion> out) {
        out.addAll(CriteriaKinds.maximalServerSubtrees(c));
        if (CriteriaKinds.isServerSide(c) && !CriteriaKinds.isConstant(c)) {
            out.add(c);
        }
        CriteriaKinds.children(c).forEach(child -> collect(child, out));
    }

    /**
     * The explanation of the snapshot's only message. {@code evidence} answers every query of
     * {@link #serverQueries} and gives the values of every regex criterion's header.
     */
    public static Explanation explain(List<RuleSpec> rules, MailboxSnapshot oneMessage, Evidence evidence,
                                      PlanContext context) {
        if (oneMessage.size() != 1) {
            throw new IllegalArgumentException("explain takes a snapshot of one message, not " + oneMessage.size());
        }
        MailboxPlan plan = Planner.plan(rules, oneMessage, evidence, context);
        FlagSetTable table = new FlagSetTable();
        int[] effective = table.internSnapshot(oneMessage);
        Set<Flag> current = table.get(effective[0]);
        BitSet message = new BitSet();
        message.set(0);
        String notSeen = "";
        List<RuleExplanation> out = new ArrayList<>();
        int entry = 0;
        for (int r = 0; r < rules.size(); r++) {
            RuleSpec rule = rules.get(r);
            boolean planMatched = plan.ruleStats().get(r).matched() > 0;
            List<String> actions = new ArrayList<>();
            Set<Flag> before = current;
            Set<Flag> after = current;
            boolean flagsSeen = false;
            for (; entry < plan.audit().size() && plan.audit().get(entry).rule().equals(rule.name()); entry++) {
                String action = plan.audit().get(entry).action();
                actions.add(action);
                if (action.startsWith("add_flags") || action.startsWith("remove_flags") || action.startsWith("set_flags")) {
                    if (!flagsSeen) {
                        before = plan.auditFlagsBefore(entry);
                        flagsSeen = true;
                    }
                    after = plan.auditFlagsAfter(entry);
                }
            }
            if (!notSeen.isEmpty()) {
                if (planMatched) {
                    throw new IllegalStateException("explain disagrees with the planner: rule " + rule.name()
                            + " matched a message an earlier rule took out of the run");
                }
                out.add(new RuleExplanation(rule.name(), notSeen, false, List.of(), current, current, rule.stop(),
                        List.of()));
                continue;
            }
            effective[0] = table.intern(current);
            Facts facts = new Facts(oneMessage, context.now().toEpochMilli(), table, effective, evidence);
            List<CriterionLine> lines = new ArrayList<>();
            boolean matched = describe(rule.match(), 0, true, message, facts, evidence, context, current, lines);
            if (matched != planMatched) {
                throw new IllegalStateException("explain disagrees with the planner on rule " + rule.name());
            }
            out.add(new RuleExplanation(rule.name(), "", matched, lines, before, after, rule.stop(), actions));
            current = after;
            if (matched && rule.disposition().removesMessage()) {
                notSeen = "not seen: " + gone(rule.disposition(), context) + " by rule " + rule.name();
            } else if (matched && rule.stop()) {
                notSeen = "not seen: rule " + rule.name() + " matched it with stop: true";
            }
        }
        return new Explanation(out, plan);
    }

    private static String gone(Disposition d, PlanContext context) {
        return d.match(k -> "kept", del -> "deleted",
                t -> "trashed to " + context.trashMailbox().orElse("the trash"), m -> "moved to " + m.mailbox());
    }

    /**
     * Adds the rows of {@code c} and its parts; returns its value. {@code decide}: whether this node,
     * if false, is on the path that decided a non-match.
     */
    private static boolean describe(Criterion c, int depth, boolean decide, BitSet message, Facts facts,
                                    Evidence evidence, PlanContext context, Set<Flag> flags,
                                    List<CriterionLine> out) {
        boolean value = !Condition.compile(c).eval(message, facts).isEmpty();
        int row = out.size();
        out.add(null);
        List<Criterion> parts = CriteriaKinds.children(c);
        boolean partDecides = false;
        if (c.asAnd().isPresent() && !value && decide) {
            boolean first = true;
            for (Criterion p : parts) {
                boolean v = describe(p, depth + 1, first, message, facts, evidence, context, flags, out);
                if (!v && first) {
                    first = false;
                    partDecides = true;
                }
            }
        } else {
            // a false OR or NOT, like a true node, is decided by no single part
            parts.forEach(p -> describe(p, depth + 1, false, message, facts, evidence, context, flags, out));
        }
        boolean deciding = decide && !value && !partDecides;
        out.set(row, new CriterionLine(depth, label(c), value, source(c, evidence, context, flags, facts), deciding));
        return value;
    }

    /** Where the criterion's verdict comes from, for each kind of node. */
    private static String source(Criterion c, Evidence evidence, PlanContext context, Set<Flag> flags, Facts facts) {
        String server = "server: UID SEARCH ";
        return c.accept(new Criterion.Visitor<>() {
            private String connective() {
                return CriteriaKinds.isServerSide(c) && !CriteriaKinds.isConstant(c)
                        ? server + ImapSearch.render(c, context.today()).display() : "";
            }

            private String searched() {
                return server + ImapSearch.render(c, context.today()).display();
            }

            @Override
            public String all(Criterion.All x) {
                return "every message";
            }

            @Override
            public String and(Criterion.And x) {
                return connective();
            }

            @Override
            public String or(Criterion.Or x) {
                return connective();
            }

            @Override
            public String not(Criterion.Not x) {
                return connective();
            }

            @Override
            public String text(Criterion.Text x) {
                return searched();
            }

            @Override
            public String header(Criterion.Header x) {
                return searched();
            }

            @Override
            public String flag(Criterion.FlagIs x) {
                return "flag table: " + flagText(flags);
            }

            @Override
            public String age(Criterion.Age a) {
                return "INTERNALDATE " + Instant.ofEpochMilli(facts.internalDates[0]) + "; now - " + duration(a.age())
                        + " = " + Instant.ofEpochMilli(facts.nowMillis - a.age().toMillis());
            }

            @Override
            public String receivedDate(Criterion.ReceivedDate x) {
                return searched();
            }

            @Override
            public String sentDate(Criterion.SentDate x) {
                return searched();
            }

            @Override
            public String sentAge(Criterion.SentAge x) {
                return searched();
            }

            @Override
            public String size(Criterion.Size x) {
                return "RFC822.SIZE " + facts.sizes[0] + " bytes";
            }

            @Override
            public String regex(Criterion.HeaderRegex r) {
                return Explainer.regex(r, evidence);
            }
        });
    }

    private static String regex(Criterion.HeaderRegex r, Evidence evidence) {
        List<String> values = evidence.headerValues(0, r.header());
        String shown = values == null || values.isEmpty() ? "absent"
                : values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
        return "header " + r.header() + ": " + shown + ", find /" + r.pattern().pattern() + "/";
    }

    public static String flagText(Set<Flag> flags) {
        return flags.isEmpty() ? "(none)" : flags.stream().sorted(java.util.Comparator
                .comparing((Flag f) -> !f.isSystem()).thenComparing(Flag::name)).map(Flag::name)
                .collect(Collectors.joining(" "));
    }

    /** A criterion as the rule file writes it. */
    static String label(Criterion c) {
        return c.accept(new Criterion.Visitor<>() {
            public String all(Criterion.All x) {
                return "all_messages: true";
            }

            public String and(Criterion.And x) {
                return "all of:";
            }

            public String or(Criterion.Or x) {
                return "any of:";
            }

            public String not(Criterion.Not x) {
                return "not:";
            }

            public String text(Criterion.Text x) {
                return x.field().name().toLowerCase(Locale.ROOT) + ": " + x.value();
            }

            public String header(Criterion.Header x) {
                return "header " + x.name() + ": " + x.value();
            }

            public String flag(Criterion.FlagIs x) {
                if (x.flag().isSystem()) {
                    return x.flag().name().substring(1).toLowerCase(Locale.ROOT) + ": " + x.present();
                }
                return "keyword: " + x.flag().name() + (x.present() ? "" : " (absent)");
            }

            public String age(Criterion.Age x) {
                return (x.older() ? "older_than: " : "newer_than: ") + duration(x.age());
            }

            public String receivedDate(Criterion.ReceivedDate x) {
                return "received_" + x.op().name().toLowerCase(Locale.ROOT) + ": " + x.date();
            }

            public String sentDate(Criterion.SentDate x) {
                return "sent_" + x.op().name().toLowerCase(Locale.ROOT) + ": " + x.date();
            }

            public String sentAge(Criterion.SentAge x) {
                return (x.older() ? "sent_older_than: " : "sent_newer_than: ") + x.days() + "d";
            }

            public String size(Criterion.Size x) {
                return (x.larger() ? "larger: " : "smaller: ") + x.bytes();
            }

            public String regex(Criterion.HeaderRegex x) {
                return "header_regex " + x.header() + ": " + x.pattern().pattern();
            }
        });
    }

    private static String duration(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
