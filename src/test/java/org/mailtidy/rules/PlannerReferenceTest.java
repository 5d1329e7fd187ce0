package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.UidSet;

/**
 * The batched planner, executed on a simulated server, must leave every mailbox exactly as the
 * rules applied one at a time (the contract's "Meaning of a run") would.
 */
class PlannerReferenceTest {

    private static final PlanContext CONTEXT = RandomScenarios.CONTEXT;
    private static final int SCENARIOS = 3000;

    @Test
    void batchedPlanLeavesTheSameMailboxesAsApplyingTheRulesOneByOne() {
        for (long seed = 0; seed < SCENARIOS; seed++) {
            RandomScenarios random = new RandomScenarios(seed);
            List<MemoryMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            try {
                checkAgainstReference(rules, messages);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + "\nrules:\n" + describe(rules) + "\nmessages:\n"
                        + messages.stream().map(Object::toString).collect(Collectors.joining("\n")), e);
            }
        }
    }

    @Test
    void planWithOnlyTheNeededHeadersEqualsPlanWithAllHeaders() {
        for (long seed = 0; seed < SCENARIOS; seed++) {
            RandomScenarios random = new RandomScenarios(1_000_000 + seed, seed % 2 == 0);
            List<MemoryMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
            MailboxSnapshot snapshot = mailbox.snapshot();
            HeaderNeed need = Planner.headerNeed(rules, snapshot, mailbox.evidence(HeaderNeedAll.NONE), CONTEXT);
            MailboxPlan full = Planner.plan(rules, snapshot, mailbox.evidence(), CONTEXT);
            MailboxPlan partial = Planner.plan(rules, snapshot, mailbox.evidence(need), CONTEXT);
            assertThat(partial).as("seed %d, need %s\n%s", seed, need, describe(rules)).isEqualTo(full);
            if (rules.stream().noneMatch(r -> CriteriaKinds.containsRegex(r.match()))) {
                assertThat(need.isEmpty()).as("seed %d: no regex, nothing to fetch", seed).isTrue();
            }
        }
    }

    /**
     * Outcomes carried from an earlier run (true ones, for a random part of the messages, all of
     * them in every fourth scenario) stand in for header values: fewer fields are needed, none when
     * every outcome is known, and the plan is the same.
     */
    @Test
    void planWithKnownRegexOutcomesEqualsPlanWithAllHeaders() {
        int spared = 0;
        for (long seed = 0; seed < SCENARIOS; seed++) {
            RandomScenarios random = new RandomScenarios(3_000_000 + seed, seed % 2 == 0);
            List<MemoryMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
            MailboxSnapshot snapshot = mailbox.snapshot();
            java.util.Random pick = new java.util.Random(seed);
            boolean everything = seed % 4 == 0;
            java.util.Map<Criterion.HeaderRegex, RegexOutcomes> known = new java.util.HashMap<>();
            for (Criterion.HeaderRegex regex : Planner.regexCriteria(rules)) {
                java.util.BitSet which = new java.util.BitSet();
                for (int i = 0; i < messages.size(); i++) {
                    if (everything || pick.nextInt(3) > 0) {
                        which.set(i);
                    }
                }
                known.put(regex, mailbox.outcomes(regex, which));
            }
            HeaderNeed before = Planner.headerNeed(rules, snapshot, mailbox.evidence(HeaderNeedAll.NONE), CONTEXT);
            HeaderNeed need = Planner.headerNeed(rules, snapshot, mailbox.evidence(HeaderNeedAll.NONE, known), CONTEXT);
            MailboxPlan full = Planner.plan(rules, snapshot, mailbox.evidence(), CONTEXT);
            MailboxPlan partial = Planner.plan(rules, snapshot, mailbox.evidence(need, known), CONTEXT);

            String where = "seed %d, known %s, need %s, before %s\n%s".formatted(seed, known, need, before, describe(rules));
            assertThat(partial).as(where).isEqualTo(full);
            java.util.BitSet extra = (java.util.BitSet) need.messages().clone();
            extra.andNot(before.messages());
            assertThat(extra.isEmpty()).as(where).isTrue();
            if (everything) {
                assertThat(need.isEmpty()).as(where).isTrue();
            }
            spared += before.messages().cardinality() - need.messages().cardinality();
        }
        assertThat(spared).as("known outcomes spare fetches").isPositive();
    }

    @Test
    void planWithoutAuditIsTheSamePlanWithAnEmptyAudit() {
        int audited = 0;
        for (long seed = 0; seed < 500; seed++) {
            RandomScenarios random = new RandomScenarios(2_000_000 + seed);
            List<MemoryMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
            MailboxPlan full = Planner.plan(rules, mailbox.snapshot(), mailbox.evidence(), CONTEXT);
            MailboxPlan bare = Planner.planWithoutAudit(rules, mailbox.snapshot(), mailbox.evidence(), CONTEXT);
            assertThat(bare.audit()).as("seed %d", seed).isEmpty();
            assertThat(bare.operations()).as("seed %d", seed).isEqualTo(full.operations());
            assertThat(bare.ruleStats()).as("seed %d", seed).isEqualTo(full.ruleStats());
            assertThat(bare.deletedUids()).as("seed %d", seed).isEqualTo(full.deletedUids());
            audited += full.audit().size();
        }
        assertThat(audited).as("the scenarios change something").isPositive();
    }

    /** Headers of no message: what headerNeed gets, since it must not look at header values. */
    private static final class HeaderNeedAll {
        static final HeaderNeed NONE = new HeaderNeed(new java.util.BitSet(), Set.of());
    }

    private static void checkAgainstReference(List<RuleSpec> rules, List<MemoryMessage> messages) {
        NaiveReference.Result expected = NaiveReference.run(rules, messages, CONTEXT);
        MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
        MemoryMailbox.RecordingEvidence evidence = mailbox.evidence();
        MailboxPlan plan = Planner.plan(rules, mailbox.snapshot(), evidence, CONTEXT);

        ImapSimulator server = new ImapSimulator(messages, expected.deleted());
        plan.operations().forEach(server::apply);

        assertThat(server.state()).as(() -> "final state after\n" + String.join("\n", PlanText.commands(plan)))
                .isEqualTo(expected.state());
        assertThat(Planner.serverQueries(rules)).containsAll(evidence.asked);
        assertThat(asSet(plan.deletedUids())).isEqualTo(expected.deleted());
        assertThat(asSet(plan.trashedUids())).isEqualTo(expected.trashed());
        assertThat(asSet(plan.movedUids())).isEqualTo(expected.moved());
        assertThat(plan.ruleStats()).isEqualTo(expected.stats());
        assertThat(sorted(plan.audit())).isEqualTo(sorted(expected.audit()));
        checkShape(plan, rules);
    }

    /** One EXPUNGE, last, of exactly the deleted UIDs; one MOVE per destination; one COPY per copying rule. */
    private static void checkShape(MailboxPlan plan, List<RuleSpec> rules) {
        List<Operation> ops = plan.operations();
        List<Operation> expunges = ops.stream().filter(o -> o instanceof Operation.Expunge).toList();
        assertThat(expunges).hasSizeLessThanOrEqualTo(1);
        if (!expunges.isEmpty()) {
            assertThat(ops.get(ops.size() - 1)).isSameAs(expunges.get(0));
            assertThat(expunges.get(0).uids()).isEqualTo(plan.deletedUids());
        }
        List<String> moveTargets = ops.stream().filter(o -> o instanceof Operation.Move)
                .map(o -> ((Operation.Move) o).mailbox()).toList();
        assertThat(moveTargets).doesNotHaveDuplicates();
        long copyRules = rules.stream().filter(r -> r.copyTo().isPresent()).count();
        assertThat(ops.stream().filter(o -> o instanceof Operation.Copy).count()).isLessThanOrEqualTo(copyRules);
    }

    static Set<Long> asSet(UidSet uids) {
        return uids.stream().boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<AuditEntry> sorted(List<AuditEntry> entries) {
        List<AuditEntry> out = new ArrayList<>(entries);
        out.sort(Comparator.comparing(AuditEntry::rule).thenComparingLong(AuditEntry::uid)
                .thenComparing(AuditEntry::action));
        return out;
    }

    static String describe(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
