package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.Criterion.FlagIs;

/** The contract's "Meaning of a run", case by case, with the exact operations a plan sends. */
class PlannerTest {

    private static final PlanContext CONTEXT = RandomScenarios.CONTEXT;
    private static final long NOW = RandomScenarios.NOW.toEpochMilli();
    private static final Flag TODO = Flag.of("$Todo");
    private static final Flag LATER = Flag.of("Later");
    private static final Flag INVOICE = Flag.of("Invoice");

    private static MemoryMessage message(long uid, String subject, Flag... flags) {
        return messageAt(uid, subject, NOW - Duration.ofDays(1).toMillis(), flags);
    }

    private static MemoryMessage messageAt(long uid, String subject, long internalDate, Flag... flags) {
        return new MemoryMessage(uid, Map.of("Subject", List.of(subject), "From", List.of(subject + "@example.org")),
                "body", internalDate, LocalDate.of(2026, 3, 1), 1000, Set.of(flags));
    }

    private static RuleSpec rule(String name, Criterion match, FlagChange change, Disposition d) {
        return new RuleSpec(name, match, change, d, Optional.empty(), false);
    }

    private static FlagChange add(Flag... flags) {
        return new FlagChange.Delta(Set.of(flags), Set.of());
    }

    private static Criterion subject(String s) {
        return new Criterion.Text(Criterion.TextField.SUBJECT, s);
    }

    private static MailboxPlan plan(List<RuleSpec> rules, List<MemoryMessage> messages) {
        return plan(rules, messages, CONTEXT);
    }

    private static MailboxPlan plan(List<RuleSpec> rules, List<MemoryMessage> messages, PlanContext context) {
        MemoryMailbox mailbox = new MemoryMailbox(messages, context);
        return Planner.plan(rules, mailbox.snapshot(), mailbox.evidence(), context);
    }

    private static List<String> operations(MailboxPlan plan) {
        return plan.operations().stream().map(PlanText::command).toList();
    }

    @Test
    void aPlanIsAValueThatReadsAsItsCommands() {
        List<MemoryMessage> messages = List.of(message(1, "a"), message(2, "b"), message(3, "c"),
                message(5, "e", Flag.SEEN));
        List<RuleSpec> rules = List.of(rule("read", new FlagIs(Flag.SEEN, false), add(Flag.SEEN),
                new Disposition.MoveTo("Old")));

        MailboxPlan plan = plan(rules, messages);

        assertThat(plan).isEqualTo(plan(rules, messages)).hasSameHashCodeAs(plan(rules, messages));
        assertThat(plan).isNotEqualTo(plan(rules, messages.subList(0, 2)));
        assertThat(PlanText.commands(plan)).containsExactly("UID STORE 1:3 +FLAGS.SILENT (\\Seen)", "UID MOVE 1:3 Old");
        assertThat(PlanText.summaries(plan))
                .containsExactly("UID STORE +FLAGS.SILENT (\\Seen) of 3 messages", "UID MOVE to Old of 3 messages");
        assertThat(plan).hasToString("MailboxPlan[UID STORE 1:3 +FLAGS.SILENT (\\Seen); UID MOVE 1:3 Old; moved 1:3; "
                + plan.ruleStats() + "]");
        assertThat(plan.operations().get(1)).hasToString("UID MOVE 1:3 Old")
                .isEqualTo(new Operation.Move(UidSet.of(3, 2, 1), "Old"));
    }

    @Test
    void copiesCarryTheFlagsOfTheirRuleWhileLaterRulesGoOnChangingTheOriginal() {
        List<MemoryMessage> messages = List.of(message(1, "a"), message(2, "b", Flag.SEEN),
                message(3, "c", Flag.DELETED));
        List<RuleSpec> rules = List.of(
                new RuleSpec("todo", new FlagIs(Flag.SEEN, false), add(TODO), Disposition.KEEP, Optional.of("Backup"), false),
                rule("read", new Criterion.All(), add(Flag.SEEN), Disposition.KEEP),
                rule("old", new FlagIs(Flag.DELETED, true), FlagChange.NONE, new Disposition.MoveTo("Old")));

        MailboxPlan plan = plan(rules, messages);

        assertThat(operations(plan)).containsExactly(
                "UID STORE 1,3 +FLAGS.SILENT ($Todo)",
                "UID COPY 1,3 Backup",
                "UID STORE 1,3 +FLAGS.SILENT (\\Seen)",
                "UID MOVE 3 Old");
        // The copy knows the flags each copy must carry (for completing it after a broken connection).
        Operation.Copy copy = (Operation.Copy) plan.operations().get(1);
        assertThat(copy.rule()).isEqualTo("todo");
        assertThat(copy.uidsByFlags()).containsOnlyKeys(Set.of(TODO), Set.of(TODO, Flag.DELETED));
        assertThat(copy.uidsByFlags().get(Set.of(TODO))).isEqualTo(UidSet.of(1));
        assertThat(copy.uidsByFlags().get(Set.of(TODO, Flag.DELETED))).isEqualTo(UidSet.of(3));
        assertThat(plan.movedUids()).isEqualTo(UidSet.of(3));
        assertThat(plan.ruleStats()).containsExactly(new RuleStats("todo", 2, 2, 2, 0, 0),
                new RuleStats("read", 3, 2, 0, 0, 0), new RuleStats("old", 1, 0, 0, 1, 0));
        assertThat(plan.audit()).containsExactly(
                new AuditEntry(1, "todo", "add_flags $Todo"), new AuditEntry(3, "todo", "add_flags $Todo"),
                new AuditEntry(1, "todo", "copy_to Backup"), new AuditEntry(3, "todo", "copy_to Backup"),
                new AuditEntry(1, "read", "add_flags \\Seen"), new AuditEntry(3, "read", "add_flags \\Seen"),
                new AuditEntry(3, "old", "move_to Old"));
    }

    @Test
    void deletedFlagSemantics() {
        List<MemoryMessage> messages = List.of(message(1, "keep", Flag.DELETED), message(2, "junk", Flag.DELETED),
                message(3, "mark"), message(4, "junk", Flag.SEEN));
        List<RuleSpec> rules = List.of(
                rule("clear", subject("keep"), new FlagChange.Replace(Set.of(Flag.SEEN)), Disposition.KEEP),
                rule("purge", subject("junk"), FlagChange.NONE, Disposition.DELETE),
                rule("mark", subject("mark"), add(Flag.DELETED), Disposition.KEEP),
                rule("later", new FlagIs(Flag.DELETED, true), add(LATER), Disposition.KEEP));

        MailboxPlan plan = plan(rules, messages);

        // set_flags clears another client's \Deleted; add_flags \Deleted is seen by later rules and
        // not expunged (it goes with Later, the other flag message 3 gains, in one STORE); the
        // already-\Deleted message 2 that "purge" chose is expunged without a STORE.
        assertThat(operations(plan)).containsExactly(
                "UID STORE 1 FLAGS.SILENT (\\Seen)",
                "UID STORE 3 +FLAGS.SILENT (Later \\Deleted)",
                "UID STORE 4 +FLAGS.SILENT (\\Deleted)",
                "UID EXPUNGE 2,4");
        assertThat(plan.deletedUids()).isEqualTo(UidSet.of(2, 4));
        assertThat(plan.deletionCount()).isEqualTo(2);
        assertThat(plan.audit()).containsExactly(
                new AuditEntry(1, "clear", "set_flags \\Seen"),
                new AuditEntry(2, "purge", "delete"), new AuditEntry(4, "purge", "delete"),
                new AuditEntry(3, "mark", "add_flags \\Deleted"),
                new AuditEntry(3, "later", "add_flags Later"));
        assertThat(plan.ruleStats()).extracting(RuleStats::matched).containsExactly(1, 2, 1, 1);
    }

    @Test
    void flagChangesOfDeletedMessagesAreNotSent() {
        List<MemoryMessage> messages = List.of(message(5, "x"));
        List<RuleSpec> rules = List.of(rule("seen", new Criterion.All(), add(Flag.SEEN), Disposition.KEEP),
                rule("gone", new Criterion.All(), add(Flag.FLAGGED), Disposition.DELETE));
        assertThat(operations(plan(rules, messages))).containsExactly("UID STORE 5 +FLAGS.SILENT (\\Deleted)",
                "UID EXPUNGE 5");
    }

    @Test
    void stopShieldsMatchedMessagesFromLaterRules() {
        List<MemoryMessage> messages = List.of(message(1, "boss"), message(2, "spam"));
        List<RuleSpec> rules = List.of(
                new RuleSpec("boss", subject("boss"), add(Flag.FLAGGED), Disposition.KEEP, Optional.empty(), true),
                rule("rest", new Criterion.All(), FlagChange.NONE, Disposition.TRASH));

        MailboxPlan plan = plan(rules, messages);

        assertThat(operations(plan)).containsExactly("UID STORE 1 +FLAGS.SILENT (\\Flagged)", "UID MOVE 2 Trash");
        assertThat(plan.trashedUids()).isEqualTo(UidSet.of(2));
        assertThat(plan.audit()).contains(new AuditEntry(2, "rest", "trash Trash"));
        assertThat(plan.ruleStats().get(1)).isEqualTo(new RuleStats("rest", 1, 0, 0, 1, 0));
    }

    @Test
    void trashingWithoutATrashMailboxIsRefusedOnlyWhenSomethingIsTrashed() {
        PlanContext noTrash = new PlanContext(CONTEXT.now(), CONTEXT.today(), Optional.empty());
        List<RuleSpec> rules = List.of(rule("t", subject("spam"), FlagChange.NONE, Disposition.TRASH));
        assertThatThrownBy(() -> plan(rules, List.of(message(1, "spam")), noTrash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule t trashes messages but the account has no trash mailbox");
        assertThat(plan(rules, List.of(message(1, "ham")), noTrash).operations()).isEmpty();
    }

    @Test
    void ageIsExactToTheMillisecondAndTheBoundaryIsNewer() {
        long boundary = NOW - Duration.ofDays(7).toMillis();
        List<MemoryMessage> messages = List.of(messageAt(1, "a", boundary - 1), messageAt(2, "b", boundary),
                messageAt(3, "c", boundary + 1));
        List<RuleSpec> rules = List.of(
                rule("old", new Criterion.Age(Duration.ofDays(7), true), add(Flag.of("Old")), Disposition.KEEP),
                rule("new", new Criterion.Age(Duration.ofDays(7), false), add(Flag.of("New")), Disposition.KEEP));
        assertThat(operations(plan(rules, messages))).containsExactly("UID STORE 2:3 +FLAGS.SILENT (New)",
                "UID STORE 1 +FLAGS.SILENT (Old)");
    }

    @Test
    void sizeComparisonsAreStrict() {
        List<MemoryMessage> messages = List.of(message(1, "a"));
        List<RuleSpec> rules = List.of(
                rule("big", new Criterion.Size(1000, true), add(Flag.of("Big")), Disposition.KEEP),
                rule("small", new Criterion.Size(1000, false), add(Flag.of("Small")), Disposition.KEEP),
                rule("mid", new Criterion.Size(999, true), add(Flag.of("Mid")), Disposition.KEEP));
        assertThat(operations(plan(rules, messages))).containsExactly("UID STORE 1 +FLAGS.SILENT (Mid)");
    }

    @Test
    void setFlagsCopiesUseReplaceAndTheServerFlagsAreTrackedAfterwards() {
        List<MemoryMessage> messages = List.of(message(1, "a", Flag.SEEN, Flag.of("$Junk")), message(2, "b"));
        List<RuleSpec> rules = List.of(
                new RuleSpec("file", new Criterion.All(), new FlagChange.Replace(Set.of(INVOICE)), Disposition.KEEP,
                        Optional.of("Invoices"), false),
                rule("read", new Criterion.All(), add(Flag.SEEN), Disposition.KEEP));

        MailboxPlan plan = plan(rules, messages);

        assertThat(operations(plan)).containsExactly(
                "UID STORE 1:2 FLAGS.SILENT (Invoice)",
                "UID COPY 1:2 Invoices",
                "UID STORE 1:2 FLAGS.SILENT (Invoice \\Seen)");
        assertThat(plan.audit()).contains(new AuditEntry(1, "file", "set_flags Invoice"),
                new AuditEntry(2, "read", "add_flags \\Seen"));
    }

    @Test
    void eachCopyingRuleCopiesTheFlagsOfItsOwnMoment() {
        List<MemoryMessage> messages = List.of(message(1, "a"));
        List<RuleSpec> rules = List.of(
                new RuleSpec("c1", new Criterion.All(), FlagChange.NONE, Disposition.KEEP, Optional.of("A"), false),
                rule("x", new Criterion.All(), add(Flag.of("$X")), Disposition.KEEP),
                new RuleSpec("c2", new Criterion.All(), FlagChange.NONE, Disposition.KEEP, Optional.of("B"), false),
                rule("unx", new Criterion.All(), new FlagChange.Delta(Set.of(), Set.of(Flag.of("$X"))), Disposition.KEEP));
        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID COPY 1 A", "UID STORE 1 +FLAGS.SILENT ($X)", "UID COPY 1 B", "UID STORE 1 -FLAGS.SILENT ($X)");
    }

    @Test
    void aMessageCopiedInAnEarlierRunIsNotCopiedAgainButStillMatches() {
        List<MemoryMessage> messages = List.of(message(1, "receipt"), message(2, "receipt"), message(3, "other"));
        List<RuleSpec> rules = List.of(
                new RuleSpec("receipts", subject("receipt"), add(INVOICE), Disposition.KEEP, Optional.of("Receipts"),
                        true),
                rule("flag-rest", new Criterion.All(), add(Flag.FLAGGED), Disposition.KEEP));
        PriorCopies earlier = (rule, mailbox) -> rule.equals("receipts") && mailbox.equals("Receipts")
                ? UidSet.of(1, 99) : UidSet.EMPTY;
        PlanContext context = new PlanContext(CONTEXT.now(), CONTEXT.today(), CONTEXT.trashMailbox(), earlier);

        MailboxPlan plan = plan(rules, messages, context);

        // UID 1 is only left out of the COPY: its flags change and the stop still shields it.
        assertThat(operations(plan)).containsExactly(
                "UID STORE 2 +FLAGS.SILENT (Invoice)",
                "UID COPY 2 Receipts",
                "UID STORE 1 +FLAGS.SILENT (Invoice)",
                "UID STORE 3 +FLAGS.SILENT (\\Flagged)");
        assertThat(plan.ruleStats()).containsExactly(new RuleStats("receipts", 2, 2, 1, 0, 0),
                new RuleStats("flag-rest", 1, 1, 0, 0, 0));
        assertThat(plan.audit()).doesNotContain(new AuditEntry(1, "receipts", "copy_to Receipts"))
                .contains(new AuditEntry(2, "receipts", "copy_to Receipts"));
    }

    @Test
    void changesThatChangeNothingAreNotSentAndRecentIsIgnored() {
        List<MemoryMessage> messages = List.of(message(1, "a", Flag.SEEN, Flag.RECENT), message(2, "b", Flag.SEEN));
        List<RuleSpec> rules = List.of(
                rule("same", new Criterion.All(), new FlagChange.Replace(Set.of(Flag.SEEN)), Disposition.KEEP),
                rule("again", new Criterion.All(), add(Flag.SEEN), Disposition.KEEP));
        MailboxPlan plan = plan(rules, messages);
        assertThat(plan.operations()).isEmpty();
        assertThat(plan.audit()).isEmpty();
        assertThat(plan.ruleStats()).containsExactly(new RuleStats("same", 2, 0, 0, 0, 0),
                new RuleStats("again", 2, 0, 0, 0, 0));
    }

    @Test
    void movesGoOutOncePerDestinationInOrderOfFirstUse() {
        List<MemoryMessage> messages = List.of(message(1, "b"), message(2, "a"), message(3, "b"), message(4, "t"));
        List<RuleSpec> rules = List.of(
                rule("toB", subject("b"), FlagChange.NONE, new Disposition.MoveTo("B")),
                rule("trash", subject("t"), FlagChange.NONE, Disposition.TRASH),
                rule("toA", subject("a"), FlagChange.NONE, new Disposition.MoveTo("A")),
                rule("alsoTrash", new Criterion.All(), FlagChange.NONE, new Disposition.MoveTo("Trash")));
        MailboxPlan plan = plan(rules, messages);
        assertThat(operations(plan)).containsExactly("UID MOVE 1,3 B", "UID MOVE 4 Trash", "UID MOVE 2 A");
        assertThat(plan.trashedUids()).isEqualTo(UidSet.of(4));
        assertThat(plan.movedUids()).isEqualTo(UidSet.of(1, 2, 3));
    }

    @Test
    void auditListsOnlyTheFlagsARuleActuallyChangedSystemFlagsFirst() {
        List<MemoryMessage> messages = List.of(message(1, "a", Flag.SEEN, INVOICE));
        List<RuleSpec> rules = List.of(rule("r", new Criterion.All(),
                new FlagChange.Delta(Set.of(Flag.SEEN, Flag.of("$X"), Flag.FLAGGED), Set.of(INVOICE, Flag.DRAFT)),
                Disposition.KEEP));
        assertThat(plan(rules, messages).audit()).containsExactly(
                new AuditEntry(1, "r", "add_flags \\Flagged $X"), new AuditEntry(1, "r", "remove_flags Invoice"));
    }

    @Test
    void regexMatchesAnyOccurrenceAndAnAbsentFieldNever() {
        MemoryMessage twoSubjects = new MemoryMessage(1, Map.of("Subject", List.of("hello", "Your invoice")), "", NOW,
                LocalDate.of(2026, 3, 1), 10, Set.of());
        MemoryMessage noSubject = new MemoryMessage(2, Map.of(), "", NOW, LocalDate.of(2026, 3, 1), 10, Set.of());
        Criterion invoice = new Criterion.HeaderRegex("subject", Pattern.compile("(?i)\\binvoice\\b"));
        List<RuleSpec> rules = List.of(rule("yes", invoice, add(Flag.of("Yes")), Disposition.KEEP),
                rule("no", new Criterion.Not(invoice), add(Flag.of("No")), Disposition.KEEP));
        assertThat(operations(plan(rules, List.of(twoSubjects, noSubject))))
                .containsExactly("UID STORE 2 +FLAGS.SILENT (No)", "UID STORE 1 +FLAGS.SILENT (Yes)");
    }

    @Test
    void theLargestUidSurvivesTheAudit() {
        long maxUid = 4_294_967_295L;
        List<MemoryMessage> messages = List.of(message(1, "a"), message(maxUid, "a"));
        MailboxPlan plan = plan(List.of(rule("r", new Criterion.All(), add(Flag.SEEN), Disposition.DELETE)), messages);
        assertThat(plan.audit()).containsExactly(new AuditEntry(1, "r", "add_flags \\Seen"),
                new AuditEntry(maxUid, "r", "add_flags \\Seen"), new AuditEntry(1, "r", "delete"),
                new AuditEntry(maxUid, "r", "delete"));
        assertThat(operations(plan)).containsExactly("UID STORE 1,4294967295 +FLAGS.SILENT (\\Deleted)",
                "UID EXPUNGE 1,4294967295");
    }

    @Test
    void anEmptyMailboxGivesAnEmptyPlan() {
        MailboxPlan plan = plan(List.of(rule("r", new Criterion.All(), FlagChange.NONE, Disposition.DELETE)), List.of());
        assertThat(plan.operations()).isEmpty();
        assertThat(plan.ruleStats()).containsExactly(new RuleStats("r", 0, 0, 0, 0, 0));
    }

    @Test
    void snapshotUidsMustAscend() {
        MailboxSnapshot bad = new MailboxSnapshot(1, new long[]{2, 1}, new int[]{0, 0}, List.of(Set.of()),
                new long[2], new long[2]);
        assertThatThrownBy(() -> Planner.plan(List.of(), bad, new MemoryMailbox(List.of(), CONTEXT).evidence(), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }

    @Test
    void serverQueriesAreTheDistinctMaximalServerSubtreesInOrderOfAppearance() {
        Criterion fromA = new Criterion.Text(Criterion.TextField.FROM, "a");
        Criterion listX = new Criterion.Header("List-Id", "x");
        Criterion anyOf = new Criterion.Or(List.of(fromA, listX));
        Criterion notSubjectRecent = new Criterion.Not(new Criterion.And(List.of(subject("b"), new Criterion.SentAge(3, false))));
        List<RuleSpec> rules = List.of(
                rule("r1", new Criterion.And(List.of(anyOf, new FlagIs(Flag.SEEN, false),
                        new Criterion.Age(Duration.ofDays(7), true))), FlagChange.NONE, Disposition.KEEP),
                rule("r2", new Criterion.And(List.of(fromA, new FlagIs(Flag.SEEN, true), notSubjectRecent)),
                        FlagChange.NONE, Disposition.KEEP),
                rule("r3", new Criterion.And(List.of(new Criterion.Or(List.of(fromA, listX)), new Criterion.All())),
                        FlagChange.NONE, Disposition.KEEP),
                rule("r4", new Criterion.All(), FlagChange.NONE, Disposition.KEEP),
                rule("r5", new Criterion.And(List.of(new Criterion.All(), new FlagIs(Flag.SEEN, true),
                        new Criterion.Or(List.of(fromA, listX)))), FlagChange.NONE, Disposition.KEEP));
        // r2's two server-side operands are asked together, in one search.
        assertThat(Planner.serverQueries(rules)).containsExactly(anyOf,
                new Criterion.And(List.of(fromA, notSubjectRecent)),
                new Criterion.And(List.of(anyOf, new Criterion.All())));
    }

    @Test
    void serverSideOperandsOfOneAndCostOneSearch() {
        Criterion fromA = new Criterion.Text(Criterion.TextField.FROM, "a");
        Criterion subjectB = subject("b");
        RuleSpec r = rule("r", new Criterion.And(List.of(fromA, new FlagIs(Flag.SEEN, true), subjectB)),
                FlagChange.NONE, Disposition.KEEP);
        assertThat(Planner.serverQueries(List.of(r))).containsExactly(new Criterion.And(List.of(fromA, subjectB)));
        assertThat(ImapSearch.render(Planner.serverQueries(List.of(r)).get(0), CONTEXT.today()).toString())
                .isEqualTo("FROM \"a\" SUBJECT \"b\"");
    }
}
