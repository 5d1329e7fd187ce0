package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.imap.FakeImapSession;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.rules.RuleStats;

/** An account's pass over its mailboxes, over fake sessions: one mailbox's failure never stops the others. */
class AccountRunTest {
    private static final Config CONFIG = FakeRuns.config("""
              - {name: read, mailboxes: [INBOX, Work, Lists], match: {all_messages: true}, add_flags: [\\Seen]}
            """);

    private static FakeImapSession session() {
        FakeImapSession s = new FakeImapSession();
        s.mailbox("INBOX").add(2);
        s.mailbox("Work").add(3);
        s.mailbox("Lists").add(1);
        return s;
    }

    private static List<RunResult> run(Config config, Deque<Object> connections) {
        RunSettings settings = RunSettings.from(config, false, Optional.empty(), Optional.empty());
        return AccountRun.overSessions(config.account("a"), config.rules(), settings, account -> {
            Object next = connections.pop();
            if (next instanceof ImapException e) {
                throw e;
            }
            return (ImapSession) next;
        }).execute();
    }

    private static String line(RunResult r) {
        return r.mailbox() + " " + r.status() + " " + r.ruleStats().stream().mapToInt(RuleStats::flagsChanged).sum()
                + " " + r.error().orElse("");
    }

    @Test
    void aMailboxTheServerRefusesFailsAloneAndTheOthersRun() {
        FakeImapSession s = session();
        s.refuse("SELECT \"Work\"", new FakeImapSession.No("[NOPERM] not yours"));

        List<RunResult> results = run(CONFIG, new ArrayDeque<>(List.of(s)));

        assertThat(results).extracting(AccountRunTest::line).containsExactly("INBOX OK 2 ",
                "Work FAILED 0 SELECT \"Work\" refused: NO [NOPERM] not yours", "Lists OK 1 ");
        assertThat(s.mailbox("Lists").flagsOf(1)).containsExactly("\\Seen");
        assertThat(s.mailbox("Work").flagsOf(1)).isEmpty();
        assertThat(s.closed()).isTrue();
    }

    @Test
    void aLostConnectionIsOpenedAgainForTheNextMailboxAndAFailedReconnectCostsOnlyItsMailbox() {
        FakeImapSession first = session();
        first.refuse("UID STORE", new FakeImapSession.Lost());
        FakeImapSession second = session();

        List<RunResult> results = run(CONFIG, new ArrayDeque<>(List.of(first,
                new ImapException("connection refused"), second)));

        assertThat(results).extracting(AccountRunTest::line).containsExactly(
                "INBOX FAILED 0 connection lost during UID STORE 1:2 +FLAGS.SILENT (\\Seen)",
                "Work FAILED 0 connection refused", "Lists OK 1 ");
        assertThat(first.closed()).isTrue();
        assertThat(first.mailbox("INBOX").flagsOf(1)).isEmpty();
        assertThat(second.commands()).doesNotContain("SELECT \"INBOX\"", "SELECT \"Work\"").contains("SELECT \"Lists\"");
        assertThat(second.mailbox("Lists").flagsOf(1)).containsExactly("\\Seen");
    }

    @Test
    void anAccountThatCannotConnectIsOneFailedResult() {
        List<RunResult> results = run(CONFIG, new ArrayDeque<>(List.of(new ImapException("no route to host"))));

        assertThat(results).extracting(AccountRunTest::line).containsExactly("* FAILED 0 no route to host");
    }

    @Test
    void aWildcardThatMatchesNoMailboxIsReportedNotSkippedSilently() {
        Config config = FakeRuns.config("""
                  - {name: lists, mailboxes: ["Lists/*", Work], match: {all_messages: true}, add_flags: [\\Seen]}
                """);
        FakeImapSession s = session();

        List<RunResult> results = run(config, new ArrayDeque<>(List.of(s)));

        assertThat(results).extracting(RunResult::mailbox).containsExactly("Lists/*", "Work");
        assertThat(results.get(0).notes()).singleElement().asString().startsWith("no mailbox matches 'Lists/*'");
        assertThat(s.commands()).startsWith("LIST \"\" \"Lists/*\"");
    }
}
