package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Criterion.FlagIs;

class HeaderNeedTest {

    private static final PlanContext CONTEXT = RandomScenarios.CONTEXT;
    private static final Criterion INVOICE_REGEX = new Criterion.HeaderRegex("Subject", Pattern.compile("(?i)invoice"));
    private static final List<MemoryMessage> MESSAGES = List.of(
            message(10, "Invoice 1"), message(11, "hello", Flag.SEEN), message(12, "Invoice 3", Flag.SEEN),
            message(13, "x"));

    private static MemoryMessage message(long uid, String subject, Flag... flags) {
        return new MemoryMessage(uid, Map.of("Subject", List.of(subject)), "", RandomScenarios.NOW.toEpochMilli(),
                LocalDate.of(2026, 3, 1), 100, Set.of(flags));
    }

    private static RuleSpec rule(Criterion match, FlagChange change, Disposition d) {
        return new RuleSpec("r" + match.hashCode(), match, change, d, Optional.empty(), false);
    }

    private static Criterion subject(String s) {
        return new Criterion.Text(Criterion.TextField.SUBJECT, s);
    }

    private static Criterion seenAndInvoice() {
        return new Criterion.And(List.of(new FlagIs(Flag.SEEN, true), INVOICE_REGEX));
    }

    private static HeaderNeed need(RuleSpec... rules) {
        MemoryMailbox mailbox = new MemoryMailbox(MESSAGES, CONTEXT);
        HeaderNeed nothing = new HeaderNeed(new BitSet(), Set.of());
        return Planner.headerNeed(List.of(rules), mailbox.snapshot(), mailbox.evidence(nothing), CONTEXT);
    }

    /** The need when the outcomes of {@link #INVOICE_REGEX} for {@code known} are given as known. */
    private static HeaderNeed needKnowing(BitSet known, RuleSpec... rules) {
        MemoryMailbox mailbox = new MemoryMailbox(MESSAGES, CONTEXT);
        HeaderNeed nothing = new HeaderNeed(new BitSet(), Set.of());
        Map<Criterion.HeaderRegex, RegexOutcomes> outcomes = Map.of((Criterion.HeaderRegex) INVOICE_REGEX,
                mailbox.outcomes((Criterion.HeaderRegex) INVOICE_REGEX, known));
        return Planner.headerNeed(List.of(rules), mailbox.snapshot(), mailbox.evidence(nothing, outcomes), CONTEXT);
    }

    private static BitSet indexes(int... i) {
        BitSet out = new BitSet();
        for (int x : i) {
            out.set(x);
        }
        return out;
    }

    @Test
    void withoutRegexNothingIsFetched() {
        HeaderNeed need = need(rule(new FlagIs(Flag.SEEN, false), FlagChange.NONE, Disposition.DELETE));
        assertThat(need.isEmpty()).isTrue();
        assertThat(need.fields()).isEmpty();
    }

    @Test
    void onlyMessagesWhoseOutcomeTheRegexCanDecide() {
        HeaderNeed need = need(rule(seenAndInvoice(), FlagChange.NONE, Disposition.KEEP));
        assertThat(need.messages()).isEqualTo(indexes(1, 2));
        assertThat(need.fields()).containsExactly("Subject");
    }

    @Test
    void aMessageWhoseOutcomeIsKnownNeedsNoFields() {
        RuleSpec seenInvoice = rule(seenAndInvoice(), FlagChange.NONE, Disposition.KEEP);
        // message 1 ("hello") surely does not match, message 2 ("Invoice 3") surely does
        assertThat(needKnowing(indexes(1), seenInvoice).messages()).isEqualTo(indexes(2));
        assertThat(needKnowing(indexes(2), seenInvoice).messages()).isEqualTo(indexes(1));
        assertThat(needKnowing(indexes(0, 1, 2, 3), seenInvoice).isEmpty()).isTrue();
    }

    @Test
    void aKnownOutcomeOfOneRegexDoesNotSpareTheFieldsAnotherRegexOfTheRuleNeeds() {
        RuleSpec either = rule(new Criterion.Or(List.of(INVOICE_REGEX,
                new Criterion.HeaderRegex("From", Pattern.compile("y")))), FlagChange.NONE, Disposition.KEEP);
        // message 0 ("Invoice 1") matches the known regex, so the rule matches whatever From says
        HeaderNeed need = needKnowing(indexes(0, 1), either);
        assertThat(need.messages()).isEqualTo(indexes(1, 2, 3));
        assertThat(need.fields()).containsExactly("Subject", "From");
    }

    @Test
    void theFieldOfARegexKnownForEveryUnknownMessageIsNotFetched() {
        RuleSpec either = rule(new Criterion.Or(List.of(INVOICE_REGEX,
                new Criterion.HeaderRegex("From", Pattern.compile("y")))), FlagChange.NONE, Disposition.KEEP);
        HeaderNeed need = needKnowing(indexes(0, 1, 2, 3), either);
        assertThat(need.messages()).isEqualTo(indexes(1, 3));
        assertThat(need.fields()).containsExactly("From");
    }

    @Test
    void aFlagAnEarlierRuleMayHaveSetIsUnknown() {
        RuleSpec setFlags = rule(subject("Invoice 1"), new FlagChange.Replace(Set.of(Flag.SEEN)), Disposition.KEEP);
        RuleSpec addSeen = rule(subject("x"), new FlagChange.Delta(Set.of(Flag.SEEN), Set.of()), Disposition.KEEP);
        RuleSpec addOther = rule(new Criterion.All(), new FlagChange.Delta(Set.of(Flag.FLAGGED), Set.of()), Disposition.KEEP);
        RuleSpec regex = rule(seenAndInvoice(), FlagChange.NONE, Disposition.KEEP);
        assertThat(need(setFlags, regex).messages()).isEqualTo(indexes(0, 1, 2));
        assertThat(need(addSeen, regex).messages()).isEqualTo(indexes(1, 2, 3));
        assertThat(need(addOther, regex).messages()).isEqualTo(indexes(1, 2));
    }

    @Test
    void messagesSurelyGoneBeforeTheRegexRuleAreLeftOut() {
        RuleSpec deleteHello = rule(subject("hello"), FlagChange.NONE, Disposition.DELETE);
        RuleSpec stopInvoice3 = new RuleSpec("stop", subject("Invoice 3"), FlagChange.NONE, Disposition.KEEP,
                Optional.empty(), true);
        RuleSpec regex = rule(seenAndInvoice(), FlagChange.NONE, Disposition.KEEP);
        assertThat(need(deleteHello, regex).messages()).isEqualTo(indexes(2));
        assertThat(need(deleteHello, stopInvoice3, regex).isEmpty()).isTrue();
    }

    @Test
    void aServerCriterionThatRulesEverythingOutMakesTheRegexMoot() {
        Criterion nobody = new Criterion.And(List.of(new Criterion.Text(Criterion.TextField.FROM, "nobody"), INVOICE_REGEX));
        HeaderNeed need = need(rule(nobody, FlagChange.NONE, Disposition.KEEP));
        assertThat(need.messages().isEmpty()).isTrue();
        assertThat(need.fields()).isEmpty();
    }

    @Test
    void fieldsAreDeduplicatedCaseInsensitivelyAsFirstWritten() {
        RuleSpec first = rule(INVOICE_REGEX, FlagChange.NONE, Disposition.KEEP);
        RuleSpec second = rule(new Criterion.Or(List.of(
                new Criterion.HeaderRegex("SUBJECT", Pattern.compile("x")),
                new Criterion.HeaderRegex("From", Pattern.compile("y")))), FlagChange.NONE, Disposition.KEEP);
        HeaderNeed need = need(first, second);
        assertThat(need.fields()).containsExactly("Subject", "From");
        assertThat(need.messages()).isEqualTo(indexes(0, 1, 2, 3));
    }
}
