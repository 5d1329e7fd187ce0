package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mailtidy.rules.Criterion.FlagIs;

/**
 * Not a unit test: plans a mailbox of a million messages with ten rules and prints the time and
 * the bytes allocated. Run with {@code mvn test -Dtest=PlannerScaleTest -Dmailtidy.slow=true}.
 */
@Tag("slow")
@EnabledIfSystemProperty(named = "mailtidy.slow", matches = "true")
class PlannerScaleTest {

    private static final int MESSAGES = 1_000_000;

    @Test
    void plansAMillionMessages() {
        Random random = new Random(7);
        MailboxSnapshot snapshot = snapshot(random);
        List<RuleSpec> rules = rules();
        Evidence evidence = evidence(random, rules);
        PlanContext context = RandomScenarios.CONTEXT;

        int operations = 0;
        for (int round = 0; round < 5; round++) {
            long before = usedAfterGc();
            long allocated = allocatedBytes();
            long start = System.nanoTime();
            MailboxPlan plan = Planner.plan(rules, snapshot, evidence, context);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("round %d: %d ms, %d MB allocated, %d MB retained by the plan, %d operations,"
                            + " %d audit entries%n", round, millis, (allocatedBytes() - allocated) >> 20,
                    (usedAfterGc() - before) >> 20, plan.operations().size(), plan.audit().size());
            operations = plan.operations().size();
        }
        assertThat(operations).isLessThan(60);
    }

    private static MailboxSnapshot snapshot(Random random) {
        List<Set<Flag>> sets = List.of(Set.of(), Set.of(Flag.SEEN), Set.of(Flag.SEEN, Flag.FLAGGED),
                Set.of(Flag.SEEN, Flag.of("$Junk")), Set.of(Flag.DELETED), Set.of(Flag.SEEN, Flag.ANSWERED));
        long[] uids = new long[MESSAGES];
        int[] ids = new int[MESSAGES];
        long[] dates = new long[MESSAGES];
        long[] sizes = new long[MESSAGES];
        long now = RandomScenarios.NOW.toEpochMilli();
        for (int i = 0; i < MESSAGES; i++) {
            uids[i] = i + 1L;
            ids[i] = random.nextInt(sets.size());
            dates[i] = now - (long) (random.nextDouble() * Duration.ofDays(800).toMillis());
            sizes[i] = 500 + random.nextInt(100_000);
        }
        return new MailboxSnapshot(1, uids, ids, sets, dates, sizes);
    }

    private static List<RuleSpec> rules() {
        List<RuleSpec> rules = new ArrayList<>();
        Criterion news = new Criterion.Text(Criterion.TextField.FROM, "newsletter@");
        rules.add(rule("news-read", and(news, new FlagIs(Flag.SEEN, false), new Criterion.Age(Duration.ofDays(7), true)),
                delta(Set.of(Flag.SEEN), Set.of()), Disposition.KEEP, Optional.empty(), false));
        rules.add(rule("unflag", and(new FlagIs(Flag.FLAGGED, true), new Criterion.Age(Duration.ofDays(365), true)),
                delta(Set.of(), Set.of(Flag.FLAGGED)), Disposition.KEEP, Optional.empty(), false));
        rules.add(rule("invoices", and(new Criterion.HeaderRegex("Subject", Pattern.compile("(?i)\\binvoice\\b")),
                        new Criterion.Not(new FlagIs(Flag.of("Paid"), true))),
                new FlagChange.Replace(Set.of(Flag.SEEN, Flag.FLAGGED, Flag.of("Invoice"))), Disposition.KEEP,
                Optional.of("Invoices"), true));
        rules.add(rule("purge", and(news, new FlagIs(Flag.SEEN, true), new Criterion.Age(Duration.ofDays(90), true)),
                FlagChange.NONE, Disposition.DELETE, Optional.empty(), false));
        rules.add(rule("junk", new Criterion.Header("X-Spam", "yes"), delta(Set.of(Flag.of("$Junk")), Set.of()),
                new Disposition.MoveTo("Junk"), Optional.empty(), false));
        rules.add(rule("big", new Criterion.Size(80_000, true), delta(Set.of(Flag.of("Big")), Set.of()),
                Disposition.KEEP, Optional.of("Big"), false));
        rules.add(rule("answered", new FlagIs(Flag.ANSWERED, true), delta(Set.of(Flag.of("Done")), Set.of(Flag.of("$Todo"))),
                Disposition.KEEP, Optional.empty(), false));
        rules.add(rule("todo", and(new FlagIs(Flag.SEEN, false), new Criterion.SentAge(3, false)),
                delta(Set.of(Flag.of("$Todo")), Set.of()), Disposition.KEEP, Optional.empty(), false));
        rules.add(rule("trash-old", new Criterion.ReceivedDate(Criterion.DateOp.BEFORE, RandomScenarios.TODAY.minusDays(700)),
                FlagChange.NONE, Disposition.TRASH, Optional.empty(), false));
        rules.add(rule("archive", and(new FlagIs(Flag.SEEN, true), new Criterion.Age(Duration.ofDays(30), true)),
                FlagChange.NONE, new Disposition.MoveTo("Archive"), Optional.empty(), false));
        return rules;
    }

    private static Evidence evidence(Random random, List<RuleSpec> rules) {
        java.util.Map<Criterion, BitSet> answers = new java.util.HashMap<>();
        for (Criterion q : Planner.serverQueries(rules)) {
            BitSet b = new BitSet(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                if (random.nextInt(5) == 0) {
                    b.set(i);
                }
            }
            answers.put(q, b);
        }
        List<String> invoice = List.of("Your invoice");
        List<String> other = List.of("hello");
        return new Evidence() {
            public BitSet serverMatches(Criterion subtree) {
                return answers.get(subtree);
            }

            public List<String> headerValues(int index, String header) {
                return index % 7 == 0 ? invoice : other;
            }
        };
    }

    private static Criterion and(Criterion... parts) {
        return new Criterion.And(List.of(parts));
    }

    private static FlagChange delta(Set<Flag> add, Set<Flag> remove) {
        return new FlagChange.Delta(add, remove);
    }

    private static RuleSpec rule(String name, Criterion match, FlagChange change, Disposition d, Optional<String> copy,
                                 boolean stop) {
        return new RuleSpec(name, match, change, d, copy, stop);
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
