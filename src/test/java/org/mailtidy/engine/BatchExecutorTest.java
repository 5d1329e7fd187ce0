package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailtidy.imap.FakeImapSession;
import org.mailtidy.imap.FakeMailbox;
import org.mailtidy.imap.ImapException;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.RuleStats;

/** The batch over the recording fake: what is sent, in what order, and what the counts may claim. */
class BatchExecutorTest {
    private final FakeImapSession session = new FakeImapSession();
    private final FakeMailbox inbox = session.mailbox("INBOX");
    private final List<String> notes = new ArrayList<>();
    private MailboxPlan plan;
    private Acknowledged acknowledged;

    private BatchExecutor executor(String rules, boolean expungeWithoutUidplus) throws ImapException {
        List<RuleSpec> specs = FakeRuns.rules(rules);
        FakeMailbox box = session.select("INBOX", false);
        MailboxSnapshot read = FakeRuns.snapshot(box);
        plan = FakeRuns.plan(read, specs, Optional.of("Trash"));
        acknowledged = new Acknowledged(box.uids());
        return new BatchExecutor(session, box, expungeWithoutUidplus, notes, read, plan, null, acknowledged,
                SendPermit.ALWAYS);
    }

    private List<RuleStats> counts(BatchExecutor executor) {
        return acknowledged.stats(plan, executor.unfinished());
    }

    private List<String> sent() {
        List<String> all = session.commands();
        return all.subList(all.indexOf("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)") + 1, all.size());
    }

    @Test
    void storesThenCopiesThenMovesThenExpungesInThePlansOrder() throws Exception {
        inbox.add(4);
        inbox.add("<f@test>", "\\Flagged");
        session.mailbox("Archive");
        BatchExecutor executor = executor("""
                  - {name: keep, match: {flagged: true}, add_flags: [\\Seen], copy_to: Archive}
                  - {name: old, match: {flagged: false}, add_flags: [Old], move_to: Archive}
                """, false);

        executor.send();

        assertThat(sent()).containsExactly(
                "UID STORE 5 +FLAGS.SILENT (\\Seen)",
                "UID COPY 5 \"Archive\"",
                "UID STORE 1:4 +FLAGS.SILENT (Old)",
                "UID MOVE 1:4 \"Archive\"");
        assertThat(inbox.uids()).containsExactly(5);
        assertThat(session.mailbox("Archive").messageIds())
                .containsExactly("<f@test>", "<1@test>", "<2@test>", "<3@test>", "<4@test>");
        assertThat(session.mailbox("Archive").flagsOf(2)).containsExactly("Old");
        assertThat(counts(executor)).containsExactly(new RuleStats("keep", 1, 1, 1, 0, 0),
                new RuleStats("old", 4, 4, 0, 4, 0));
        assertThat(notes).isEmpty();
    }

    @Test
    void aRefusedStoreLeavesItsMessagesAloneForTheRestOfTheBatchAndFailsTheRun() throws Exception {
        inbox.add(3);
        session.mailbox("Archive");
        BatchExecutor executor = executor("""
                  - {name: old, match: {all_messages: true}, add_flags: [Old], move_to: Archive}
                """, false);
        session.refuse("UID STORE", new FakeImapSession.No("[CANNOT] no keywords here"));

        assertThatThrownBy(executor::send).isInstanceOf(ImapException.NoResponse.class)
                .hasMessageContaining("UID STORE 1:3");

        assertThat(sent()).containsExactly("UID STORE 1:3 +FLAGS.SILENT (Old)");
        assertThat(inbox.uids()).containsExactly(1, 2, 3);
        assertThat(inbox.flagsOf(1)).isEmpty();
        assertThat(executor.unfinished()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(counts(executor)).containsExactly(new RuleStats("old", 3, 0, 0, 0, 0));
    }

    @Test
    void aMessageAnotherClientChangedIsLeftOutOfTheMoveAndNotCounted() throws Exception {
        inbox.add(3);
        session.mailbox("Archive");
        BatchExecutor executor = executor("""
                  - {name: old, match: {all_messages: true}, add_flags: [Old], move_to: Archive}
                """, false);
        session.refuse("UID STORE", new FakeImapSession.Modified(2));

        executor.send();

        assertThat(sent()).containsExactly("UID STORE 1:3 +FLAGS.SILENT (Old)", "UID MOVE 1,3 \"Archive\"");
        assertThat(inbox.uids()).containsExactly(2);
        assertThat(inbox.flagsOf(2)).isEmpty();
        assertThat(executor.leftAlone()).containsExactly(2L);
        assertThat(counts(executor)).containsExactly(new RuleStats("old", 3, 2, 0, 2, 0));
        assertThat(notes).singleElement().asString().contains("1 message was changed by another client");
    }

    private static final String SEEN_AND_NOT_NEW = """
              - {name: seen, match: {all_messages: true}, add_flags: [\\Seen]}
              - {name: old, match: {all_messages: true}, remove_flags: [$New], move_to: Archive}
            """;

    @Test
    void withConditionalStoresEachMessagesStoresGoInOneStoreOfItsNetChange() throws Exception {
        inbox.withConditionalStores();
        inbox.add("<a@test>", "$New");
        inbox.add("<b@test>", "$New", "\\Flagged");
        inbox.add("<c@test>");
        session.mailbox("Archive");
        BatchExecutor executor = executor(SEEN_AND_NOT_NEW, false);

        executor.send();

        assertThat(sent()).containsExactly(
                "UID STORE 2 FLAGS.SILENT (\\Flagged \\Seen)",
                "UID STORE 1 FLAGS.SILENT (\\Seen)",
                "UID STORE 3 +FLAGS.SILENT (\\Seen)",
                "UID MOVE 1:3 \"Archive\"");
        assertThat(session.mailbox("Archive").uids()).hasSize(3);
        assertThat(counts(executor)).containsExactly(new RuleStats("seen", 3, 3, 0, 0, 0),
                new RuleStats("old", 3, 2, 0, 3, 0));
    }

    @Test
    void aMergedStoreAnotherClientChangedLeavesTheMessageAloneAndOutOfEveryRulesCounts() throws Exception {
        inbox.withConditionalStores();
        inbox.add("<a@test>", "$New");
        inbox.add("<b@test>", "$New");
        inbox.add("<c@test>");
        session.mailbox("Archive");
        BatchExecutor executor = executor(SEEN_AND_NOT_NEW, false);
        session.refuse("UID STORE 1:2", new FakeImapSession.Modified(2));

        executor.send();

        assertThat(sent()).containsExactly(
                "UID STORE 1:2 FLAGS.SILENT (\\Seen)",
                "UID STORE 3 +FLAGS.SILENT (\\Seen)",
                "UID MOVE 1,3 \"Archive\"");
        assertThat(inbox.uids()).containsExactly(2);
        assertThat(inbox.flagsOf(2)).containsExactly("$New");
        assertThat(executor.leftAlone()).containsExactly(2L);
        assertThat(counts(executor)).containsExactly(new RuleStats("seen", 3, 2, 0, 0, 0),
                new RuleStats("old", 3, 1, 0, 2, 0));
        assertThat(notes).singleElement().asString().contains("1 message was changed by another client");
    }

    @Test
    void aMergedStoreRefusedLeavesItsMessagesAloneForTheBatchAndFailsTheRunAtItsEnd() throws Exception {
        inbox.withConditionalStores();
        inbox.add("<a@test>", "$New");
        inbox.add("<b@test>", "$New");
        inbox.add("<c@test>");
        session.mailbox("Archive");
        BatchExecutor executor = executor(SEEN_AND_NOT_NEW, false);
        session.refuse("UID STORE 1:2", new FakeImapSession.No("[CANNOT] not now"));

        assertThatThrownBy(executor::send).isInstanceOf(ImapException.NoResponse.class)
                .hasMessageContaining("UID STORE 1:2");

        assertThat(sent()).containsExactly(
                "UID STORE 1:2 FLAGS.SILENT (\\Seen)",
                "UID STORE 3 +FLAGS.SILENT (\\Seen)",
                "UID MOVE 3 \"Archive\"");
        assertThat(inbox.uids()).containsExactly(1, 2);
        assertThat(inbox.flagsOf(1)).containsExactly("$New");
        assertThat(executor.unfinished()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(counts(executor)).containsExactly(new RuleStats("seen", 3, 1, 0, 0, 0),
                new RuleStats("old", 3, 0, 0, 1, 0));
    }

    @Test
    void aConnectionLostDuringTheMoveCountsOnlyTheAcknowledgedStores() throws Exception {
        inbox.add(2);
        session.mailbox("Archive");
        BatchExecutor executor = executor("""
                  - {name: old, match: {all_messages: true}, add_flags: [Old], move_to: Archive}
                """, false);
        session.refuse("UID MOVE", new FakeImapSession.Lost());

        assertThatThrownBy(executor::send).isInstanceOf(ImapException.ConnectionLost.class);

        assertThat(inbox.uids()).containsExactly(1, 2);
        assertThat(inbox.flagsOf(1)).containsExactly("Old");
        assertThat(executor.unfinished()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(counts(executor)).containsExactly(new RuleStats("old", 2, 0, 0, 0, 0));
    }

    @Test
    void aCopyToAMissingMailboxCreatesItOnTrycreateAndSendsTheCopyAgain() throws Exception {
        inbox.add(2);
        BatchExecutor executor = executor("""
                  - {name: keep, match: {all_messages: true}, copy_to: Kept}
                """, false);

        executor.send();

        assertThat(sent()).containsExactly("UID COPY 1:2 \"Kept\"", "CREATE \"Kept\"", "UID COPY 1:2 \"Kept\"");
        assertThat(session.mailbox("Kept").uids()).hasSize(2);
        assertThat(counts(executor)).containsExactly(new RuleStats("keep", 2, 0, 2, 0, 0));
    }

    @Test
    void withoutUidplusDeletesAreMarkedButNotExpungedUnlessAllowed() throws Exception {
        session.withoutCapability("UIDPLUS");
        inbox.add(2);
        BatchExecutor executor = executor("""
                  - {name: purge, match: {all_messages: true}, delete: true}
                """, false);

        executor.send();

        assertThat(sent()).containsExactly("UID STORE 1:2 +FLAGS.SILENT (\\Deleted)");
        assertThat(inbox.flagsOf(2)).contains("\\Deleted");
        assertThat(counts(executor)).containsExactly(new RuleStats("purge", 2, 0, 0, 0, 0));
        assertThat(notes).singleElement().asString().contains("no UIDPLUS");
    }

    @Test
    void withoutUidplusAnAllowedMailboxWideExpungeCountsOnlyWhatIsGone() throws Exception {
        session.withoutCapability("UIDPLUS");
        inbox.add(2);
        BatchExecutor executor = executor("""
                  - {name: purge, match: {all_messages: true}, delete: true}
                """, true);

        executor.send();

        assertThat(sent()).containsExactly("UID STORE 1:2 +FLAGS.SILENT (\\Deleted)", "EXPUNGE",
                "UID SEARCH UID 1:2");
        assertThat(inbox.uids()).isEmpty();
        assertThat(counts(executor)).containsExactly(new RuleStats("purge", 2, 0, 0, 0, 2));
    }

    @Test
    void aChangedUidvalidityStopsTheBatchBeforeTheNextOperation() throws Exception {
        inbox.add(2);
        session.mailbox("Archive");
        BatchExecutor executor = executor("""
                  - {name: old, match: {all_messages: true}, add_flags: [Old], move_to: Archive}
                """, false);
        inbox.uidValidityChangesAfter("UID STORE");

        assertThatThrownBy(executor::send).isInstanceOf(RunFailure.class).hasMessageContaining("UIDVALIDITY");

        assertThat(sent()).containsExactly("UID STORE 1:2 +FLAGS.SILENT (Old)");
        assertThat(inbox.uids()).containsExactly(1, 2);
    }
}
