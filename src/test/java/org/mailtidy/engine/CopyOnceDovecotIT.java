package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.ConnectionSettings;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.FaultProxy.Action;
import org.mailtidy.testsupport.FaultProxy.Fault;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * A copying rule copies a message once (the contract's "Meaning of a run"): with a state directory
 * the copies made are remembered ({@link CopyLedger}) and later runs leave them out while the rule
 * goes on matching; without one every run copies again.
 */
@Tag("dovecot")
class CopyOnceDovecotIT {
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final String RECEIPTS = """
              - name: receipts
                match: {subject: receipt}
                copy_to: Receipts
            """;

    @TempDir
    Path dir;
    private FaultProxy proxy;

    @AfterEach
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String newUser() {
        String user = DOVECOT.newUser("copyonce");
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("r1", "receipt for order 1"),
                message("x1", "hello"), message("r2", "your receipt 2")));
        return user;
    }

    private static TestMessage message(String id, String subject, String... flags) {
        return TestMessage.of(subject).withMessageId("<" + id + "@once.test>").withFlags(flags);
    }

    private Config config(String user, int port, String rules) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), port, user, Dovecot.password(user)) + "rules:\n" + rules);
    }

    private Optional<StateDir> state(String user) {
        return Optional.of(new StateDir(dir.resolve(user + "-state")));
    }

    private Path record(String user) {
        return state(user).get().mailboxFile("copied", "main", "INBOX", ".bin");
    }

    private RunResult once(String user, String rules, Optional<StateDir> state) {
        List<RunResult> results = EndToEnd.once(config(user, DOVECOT.imapPort(), rules), state);
        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as("%s", r).isTrue());
        return results.get(0);
    }

    private static RuleStats stats(RunResult r, String rule) {
        return r.ruleStats().stream().filter(s -> s.rule().equals(rule)).findFirst().orElseThrow();
    }

    private static List<String> ids(String user, String mailbox) {
        return DOVECOT.fetch(user, mailbox).stream().map(StoredMessage::messageId).sorted().toList();
    }

    private static long commands(String user, String verb) {
        return DOVECOT.rawCommands(user).stream().filter(l -> l.matches("(?i)\\S+ UID " + verb + " .*")).count();
    }

    @Test
    void twoRunsOfAReceiptsRuleMakeOneCopyAndANewReceiptIsCopiedOnce() {
        String user = newUser();

        RunResult first = once(user, RECEIPTS, state(user));
        RunResult second = once(user, RECEIPTS, state(user));

        assertThat(stats(first, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(2, 2);
        // Still matching, not copied again, and not counted as copied.
        assertThat(stats(second, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(2, 0);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>");
        assertThat(commands(user, "COPY")).isEqualTo(1);

        DOVECOT.append(user, "INBOX", message("r3", "receipt 3").toBytes());
        RunResult third = once(user, RECEIPTS, state(user));
        RunResult fourth = once(user, RECEIPTS, state(user));

        assertThat(stats(third, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(3, 1);
        assertThat(stats(fourth, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(3, 0);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>", "<r3@once.test>");
    }

    @Test
    void withoutAStateDirectoryEveryRunCopiesAgain() {
        String user = newUser();

        once(user, RECEIPTS, Optional.empty());
        RunResult second = once(user, RECEIPTS, Optional.empty());

        assertThat(stats(second, "receipts").copied()).isEqualTo(2);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r1@once.test>", "<r2@once.test>",
                "<r2@once.test>");
    }

    @Test
    void aMessageCopiedBeforeStillMatchesForLaterRulesFlagsAndStop() {
        String user = newUser();
        String rules = """
                  - name: receipts
                    match: {subject: receipt}
                    add_flags: [Receipt]
                    copy_to: Receipts
                  - name: read-receipts
                    match: {keyword: Receipt}
                    add_flags: [\\Seen]
                  - name: order-receipts
                    match: {subject: order}
                    copy_to: Orders
                    stop: true
                  - name: flag-the-rest
                    match: {all_messages: true}
                    add_flags: [\\Flagged]
                """;

        once(user, rules, state(user));
        // Another client marks the receipts unread: the later flag rule must still read them.
        DOVECOT.removeFlags(user, "INBOX", "1,3", "\\Seen");
        RunResult second = once(user, rules, state(user));

        assertThat(stats(second, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(2, 0);
        assertThat(stats(second, "read-receipts")).extracting(RuleStats::matched, RuleStats::flagsChanged)
                .containsExactly(2, 2);
        assertThat(stats(second, "order-receipts")).extracting(RuleStats::matched, RuleStats::copied)
                .containsExactly(1, 0);
        // The stop still shields the copied order receipt from the last rule.
        assertThat(stats(second, "flag-the-rest").matched()).isEqualTo(2);
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "INBOX")).containsOnly(
                Map.entry("<r1@once.test>", "[Receipt, \\Seen]"),
                Map.entry("<x1@once.test>", "[\\Flagged]"),
                Map.entry("<r2@once.test>", "[Receipt, \\Flagged, \\Seen]"));
        // Each copy made once, with the flags after its rule.
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Receipts")).containsOnly(
                Map.entry("<r1@once.test>", "[Receipt]"), Map.entry("<r2@once.test>", "[Receipt]"));
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Orders")).containsOnly(
                Map.entry("<r1@once.test>", "[Receipt, \\Seen]"));
    }

    @Test
    void aRuleGivenAnotherDestinationCopiesThereOnce() {
        String user = newUser();
        once(user, RECEIPTS, state(user));
        String elsewhere = RECEIPTS.replace("copy_to: Receipts", "copy_to: Books");

        once(user, elsewhere, state(user));
        once(user, elsewhere, state(user));

        assertThat(ids(user, "Books")).containsExactly("<r1@once.test>", "<r2@once.test>");
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>");
    }

    @Test
    void vanishedMessagesArePrunedAndANewUidValidityDropsTheRecord() throws IOException {
        String user = newUser();
        once(user, RECEIPTS, state(user));
        long uidValidity = stored(user).uidValidity();
        assertThat(recorded(user, uidValidity)).containsExactly(1L, 3L);

        DOVECOT.expunge(user, "INBOX", 1);
        once(user, RECEIPTS, state(user));
        assertThat(recorded(user, uidValidity)).containsExactly(3L);

        DOVECOT.updateMailbox(user, "INBOX", "--uid-validity", "7");
        RunResult afterReset = once(user, RECEIPTS, state(user));

        // UID 3 may name another message now: the old record is not trusted, and the new one starts afresh.
        assertThat(stats(afterReset, "receipts").copied()).isEqualTo(1);
        assertThat(stored(user).uidValidity()).isEqualTo(7);
        assertThat(recorded(user, 7)).containsExactly(3L);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>", "<r2@once.test>");
    }

    private CopyLedger.Records stored(String user) throws IOException {
        return new CopyLedger(record(user)).stored().orElseThrow();
    }

    private long[] recorded(String user, long uidValidity) throws IOException {
        return new CopyLedger(record(user)).read(uidValidity).uids("receipts", "Receipts").toArray();
    }

    @Test
    void aDamagedRecordFailsTheRunBeforeAnythingIsSent() throws IOException {
        String user = newUser();
        Files.createDirectories(record(user).getParent());
        Files.write(record(user), new byte[] {1, 2, 3});

        List<RunResult> results = EndToEnd.once(config(user, DOVECOT.imapPort(), RECEIPTS), state(user));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.error().orElseThrow()).startsWith("cannot read the copy record ")
                    .contains("nothing was sent. Delete it if it is damaged");
        });
        assertThat(DOVECOT.fetch(user, "INBOX")).hasSize(3);
        assertThat(commands(user, "COPY")).isZero();
    }

    @Test
    void aDryRunReadsTheRecord() {
        String user = newUser();
        once(user, RECEIPTS, state(user));
        Config config = config(user, DOVECOT.imapPort(), RECEIPTS);
        RunSettings dry = RunSettings.from(config, true, Optional.empty(), state(user));

        List<RunResult> results;
        try {
            results = new OncePass(config, dry, Connections::open).run(OncePass.selectRules(config, List.of(), null));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(stats(r, "receipts").copied()).isZero();
            assertThat(r.planned()).noneMatch(p -> p.startsWith("UID COPY"));
        });
    }

    @Test
    void aCopyLeftInDoubtByALostConnectionIsNotMadeAgain() {
        String user = newUser();
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(Fault.of("^UID COPY", 1, Action.DROP_AFTER));
        List<RunResult> broken = EndToEnd.once(config(user, proxy.port(), RECEIPTS), state(user));
        assertThat(proxy.fired()).isTrue();
        assertThat(broken).singleElement().satisfies(r -> assertThat(r.ok()).isFalse());
        assertThat(ids(user, "Receipts")).hasSize(2);

        RunResult next = once(user, RECEIPTS, state(user));
        RunResult after = once(user, RECEIPTS, state(user));

        // The journal shows the COPY was sent; the Message-IDs show it arrived: the ledger takes it as made.
        assertThat(stats(next, "receipts").copied()).isZero();
        assertThat(stats(after, "receipts").copied()).isZero();
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>");
    }

    @Test
    void aCopyCutOffBeforeItWasSentIsMadeByTheNextRunOnce() {
        String user = newUser();
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(Fault.of("^UID COPY", 1, Action.DROP_BEFORE));
        EndToEnd.once(config(user, proxy.port(), RECEIPTS), state(user));
        assertThat(proxy.fired()).isTrue();
        assertThat(DOVECOT.fetch(user, "Receipts")).isEmpty();

        once(user, RECEIPTS, state(user));
        once(user, RECEIPTS, state(user));

        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>");
    }

    @Test
    void copiesAJournalShowsDoneCountAsMadeAlsoWhenAnotherRulesRunReplacesTheJournal() throws IOException {
        String user = newUser();
        once(user, RECEIPTS, state(user));
        CopyLedger.Records made = stored(user);
        // As a crash after the COPY was acknowledged and before the record was written leaves it.
        Files.delete(record(user));
        CopyJournal journal = new CopyJournal(state(user).get().mailboxFile("journal", "main", "INBOX", ".bin"));
        journal.write(new CopyJournal.Entries(made.uidValidity(), List.of(new CopyJournal.Copy("Receipts", "receipts",
                List.of(new CopyJournal.Group(List.of(), made.uids("receipts", "Receipts"))), 1, true))));
        String flagOnly = """
                  - name: flag
                    match: {subject: hello}
                    add_flags: [\\Flagged]
                """;

        once(user, flagOnly, state(user));
        RunResult copying = once(user, RECEIPTS, state(user));

        assertThat(journal.file()).doesNotExist();
        assertThat(stats(copying, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(2, 0);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>");
    }

    @Test
    void aNewMailRunAndAFullRunShareTheRecord() throws Exception {
        String user = newUser();
        Config config = config(user, DOVECOT.imapPort(), RECEIPTS);
        RunSettings settings = RunSettings.from(config, false, Optional.empty(), state(user));
        List<org.mailtidy.rules.RuleSpec> rules = config.enabledRules().stream().map(RuleConfig::spec).toList();

        assertThat(once(user, RECEIPTS, state(user)).ok()).isTrue();
        DOVECOT.append(user, "INBOX", message("r3", "receipt 3").toBytes());
        RunResult arrival;
        try (ImapConnection c = ImapConnection.connect(DOVECOT.settings(user, ConnectionSettings.Security.NONE))) {
            arrival = new MailboxRun(c, "main", "INBOX", rules, Optional.empty(), settings).onlyFromUid(4).execute();
        }
        RunResult full = once(user, RECEIPTS, state(user));

        assertThat(stats(arrival, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(1, 1);
        assertThat(stats(full, "receipts")).extracting(RuleStats::matched, RuleStats::copied).containsExactly(3, 0);
        assertThat(ids(user, "Receipts")).containsExactly("<r1@once.test>", "<r2@once.test>", "<r3@once.test>");
    }
}
