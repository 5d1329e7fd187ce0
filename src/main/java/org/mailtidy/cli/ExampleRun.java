package org.mailtidy.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mailtidy.config.Config;
import org.mailtidy.config.Example;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.LocalMailbox;
import org.mailtidy.rules.LocalSearch;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.Operation;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.rules.SearchableMessage;
import org.mailtidy.rules.SentDay;

/**
 * One example of a rule file run offline: its message alone in a mailbox, planned by the same
 * planner as a real run with the server's searches answered by {@link LocalSearch}, and what the
 * plan does to it.
 *
 * @param matched  the rules that matched it, in order
 * @param movedTo  where a move or trash takes it
 * @param flags    its flags after the plan's stores (those a moved message arrives with)
 * @param copiedTo the mailboxes copies go to, in order
 */
record ExampleRun(Example example, List<String> matched, Example.Result result, Optional<String> movedTo,
                  Set<Flag> flags, List<String> copiedTo) {

    private static final long UID = LocalMailbox.uidOf(0);
    /** Offline there is no SPECIAL-USE answer; a trash rule needs some name. */
    static final String OFFLINE_TRASH = "Trash";

    /** Runs {@code example} at {@code now}, {@code defaults.timezone} giving "today" and calendar days. */
    static ExampleRun of(Config config, Example example, Instant now) {
        ZoneId zone = config.defaults().timezone();
        SearchableMessage message = message(example.message(), now, zone);
        LocalSearch.Clock clock = LocalSearch.Clock.at(now, zone);
        List<RuleSpec> rules = rulesFor(config, example);
        String trash = config.settingsOf(example.account()).orElseThrow().trashMailbox().orElse(OFFLINE_TRASH);
        MailboxPlan plan = new LocalMailbox(List.of(message), clock)
                .plan(rules, new PlanContext(now, clock.today(), Optional.of(trash)));
        return outcome(example, message.flags(), plan);
    }

    /** Every enabled rule of the example's account whose mailboxes include the example's, in file order. */
    static List<RuleSpec> rulesFor(Config config, Example example) {
        return config.enabledRules().stream()
                .filter(r -> r.appliesTo(example.account()))
                .filter(r -> MailboxPatterns.matchesAny(r.mailboxes(), example.mailbox()))
                .map(RuleConfig::spec)
                .toList();
    }

    static SearchableMessage message(Example.Message m, Instant now, ZoneId zone) {
        ZonedDateTime received = m.received().resolve(now, zone);
        ZonedDateTime sent = m.sent().orElse(m.received()).resolve(now, zone);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(sent);
        List<SearchableMessage.Field> fields = new ArrayList<>();
        m.from().ifPresent(v -> fields.add(new SearchableMessage.Field("From", v)));
        m.to().ifPresent(v -> fields.add(new SearchableMessage.Field("To", v)));
        m.cc().ifPresent(v -> fields.add(new SearchableMessage.Field("Cc", v)));
        m.subject().ifPresent(v -> fields.add(new SearchableMessage.Field("Subject", v)));
        fields.add(new SearchableMessage.Field("Date", date));
        for (Map.Entry<String, String> h : m.headers().entrySet()) {
            fields.add(new SearchableMessage.Field(h.getKey(), h.getValue()));
        }
        Optional<LocalDate> sentDay = SentDay.of(date);
        return new SearchableMessage(fields, m.body(), received.toInstant(), sentDay, m.size(), m.flags());
    }

    private static ExampleRun outcome(Example example, Set<Flag> original, MailboxPlan plan) {
        List<String> matched = plan.ruleStats().stream().filter(s -> s.matched() > 0).map(RuleStats::rule).toList();
        Set<Flag> flags = new TreeSet<>(original);
        List<String> copies = new ArrayList<>();
        List<String> movesTo = new ArrayList<>();
        for (Operation op : plan.operations()) {
            if (!op.uids().contains(UID)) {
                continue;
            }
            op.accept(new Operation.Visitor<Void>() {
                @Override
                public Void store(Operation.Store s) {
                    switch (s.mode()) {
                        case ADD -> flags.addAll(s.flags());
                        case REMOVE -> flags.removeAll(s.flags());
                        case REPLACE -> {
                            flags.clear();
                            flags.addAll(s.flags());
                        }
                    }
                    return null;
                }

                @Override
                public Void copy(Operation.Copy c) {
                    copies.add(c.mailbox());
                    return null;
                }

                @Override
                public Void move(Operation.Move mv) {
                    movesTo.add(mv.mailbox());
                    return null;
                }

                @Override
                public Void expunge(Operation.Expunge e) {
                    return null;
                }
            });
        }
        Example.Result result = plan.deletedUids().contains(UID) ? Example.Result.DELETED
                : plan.trashedUids().contains(UID) ? Example.Result.TRASHED
                : plan.movedUids().contains(UID) ? Example.Result.MOVED
                : Example.Result.KEPT;
        Optional<String> movedTo = movesTo.isEmpty() ? Optional.empty() : Optional.of(movesTo.get(movesTo.size() - 1));
        return new ExampleRun(example, matched, result, movedTo, flags, copies);
    }


    /** What differs from the expectation; empty when the example passes. */
    List<String> differences() {
        Example.Expectation e = example.expect();
        List<String> out = new ArrayList<>();
        if (result != e.result()) {
            out.add("result");
        } else if (result == Example.Result.MOVED
                && !MailboxPatterns.sameMailbox(e.movedTo().orElseThrow(), movedTo.orElse(""))) {
            out.add("result");
        }
        if (e.flags().isPresent() && !e.flags().get().equals(flags)) {
            out.add("flags");
        }
        if (e.copiedTo().isPresent() && !sorted(e.copiedTo().get()).equals(sorted(copiedTo))) {
            out.add("copied_to");
        }
        if (e.rules().isPresent() && !e.rules().get().equals(matched)) {
            out.add("rules");
        }
        return out;
    }

    private static List<String> sorted(List<String> mailboxes) {
        return mailboxes.stream().map(MailboxPatterns::canonical).sorted().toList();
    }
}
