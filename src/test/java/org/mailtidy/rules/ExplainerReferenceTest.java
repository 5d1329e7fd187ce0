package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code explain} cannot disagree with a run: on random rules and messages, per message, each rule's
 * matched/not matched and the final flags are those of applying the rules one at a time; a rule that
 * saw the message and did not match marks exactly one deciding criterion, a matching one none, and
 * every row's value is that of its criterion for the message.
 */
class ExplainerReferenceTest {
    private static final PlanContext CONTEXT = RandomScenarios.CONTEXT;
    private static final int SCENARIOS = 400;

    @Test
    void everyMessagesExplanationAgreesWithTheNaiveReference() {
        int explained = 0;
        for (long seed = 0; seed < SCENARIOS; seed++) {
            RandomScenarios random = new RandomScenarios(7_000_000 + seed);
            List<MemoryMessage> messages = random.mailbox(20);
            List<RuleSpec> rules = random.rules(6);
            for (MemoryMessage message : messages) {
                try {
                    check(rules, message);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", message " + message + "\nrules:\n"
                            + rules.stream().map(Object::toString).collect(Collectors.joining("\n")), e);
                }
                explained++;
            }
        }
        assertThat(explained).as("messages explained").isGreaterThan(SCENARIOS * 5);
    }

    private static void check(List<RuleSpec> rules, MemoryMessage message) {
        MemoryMailbox mailbox = new MemoryMailbox(List.of(message), CONTEXT);
        Explainer.Explanation e = Explainer.explain(rules, mailbox.snapshot(), mailbox.evidence(), CONTEXT);
        NaiveReference.Result reference = NaiveReference.run(rules, List.of(message), CONTEXT);
        assertThat(e.rules()).hasSize(rules.size());
        for (int r = 0; r < rules.size(); r++) {
            Explainer.RuleExplanation x = e.rules().get(r);
            assertThat(x.matched()).as("rule %s matched", x.rule()).isEqualTo(reference.stats().get(r).matched() > 0);
            if (!x.notSeenBecause().isEmpty()) {
                assertThat(x.criteria()).isEmpty();
                continue;
            }
            assertThat(x.criteria().get(0).value()).as("root value of %s", x.rule()).isEqualTo(x.matched());
            long deciding = x.criteria().stream().filter(Explainer.CriterionLine::deciding).count();
            assertThat(deciding).as("deciding rows of %s", x.rule()).isEqualTo(x.matched() ? 0 : 1);
            x.criteria().stream().filter(Explainer.CriterionLine::deciding)
                    .forEach(l -> assertThat(l.value()).isFalse());
        }
        if (reference.state().source().containsKey(message.uid())) {
            assertThat(e.rules().get(rules.size() - 1).flagsAfter()).as("final flags")
                    .isEqualTo(reference.state().source().get(message.uid()));
        }
    }
}
