package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.FaultProxy.Action;
import org.mailtidy.testsupport.FaultProxy.Fault;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * A rule that marks what it copied ({@code not: {keyword: Copied}}, {@code add_flags: [Copied]},
 * {@code copy_to}) stores the mark before the COPY; a connection lost in between used to lose the
 * copy for good. With a state directory the pending-copy journal lets the next run make it: each
 * copy exactly once, with the flags the rule gave, and the mailboxes end up as an undisturbed run
 * on an identical account leaves them.
 */
@Tag("dovecot")
class CopyJournalDovecotIT {
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final Instant DAY = Instant.parse("2026-03-03T10:00:00Z");
    private static final String ONE_COPY = """
              - name: backup
                match: {not: {keyword: Copied}}
                add_flags: [Copied]
                copy_to: Backup
            """;
    private static final String TWO_COPIES = ONE_COPY + """
              - name: archive
                match: {not: {keyword: Archived}}
                add_flags: [Archived]
                copy_to: Archive
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

    private static TestMessage message(String id, String subject, String... flags) {
        return TestMessage.of(subject).withMessageId("<" + id + "@copy.test>").withInternalDate(DAY).withFlags(flags);
    }

    private static String newUser() {
        String user = DOVECOT.newUser("copy");
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("a", "first"), message("b", "second", "\\Seen"),
                message("c", "third", "Old"), message("d", "fourth", "\\Seen", "\\Answered")));
        return user;
    }

    private Config config(String user, int port, String rules) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), port, user, Dovecot.password(user)) + "rules:\n" + rules
                + "audit:\n  file: " + audit(user) + "\n");
    }

    private Path audit(String user) {
        return dir.resolve(user + "-audit.jsonl");
    }

    private Optional<StateDir> state(String user) {
        return Optional.of(new StateDir(dir.resolve(user + "-state")));
    }

    private Path journal(String user) {
        return state(user).get().mailboxFile("journal", "main", "INBOX", ".bin");
    }

    private static Map<String, Map<String, String>> mailboxes(String user, String... names) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        out.put("INBOX", EndToEnd.byMessageId(DOVECOT, user, "INBOX"));
        for (String m : names) {
            out.put(m, EndToEnd.byMessageId(DOVECOT, user, m));
        }
        return out;
    }

    private Map<String, Map<String, String>> undisturbed(String rules, String... destinations) {
        String user = newUser();
        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), rules), state(user))).allMatch(RunResult::ok);
        assertThat(journal(user)).doesNotExist();
        return mailboxes(user, destinations);
    }

    private List<RunResult> brokenRun(String user, String rules, Fault fault, Optional<StateDir> state) {
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(fault);
        List<RunResult> broken = EndToEnd.once(config(user, proxy.port(), rules), state);
        assertThat(proxy.fired()).as("the fault fired; commands:\n%s", proxy.transcript()).isTrue();
        assertThat(broken).singleElement().satisfies(r -> assertThat(r.ok()).as("%s", r).isFalse());
        return broken;
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("one copy rule, drop before UID COPY", ONE_COPY, new String[] {"Backup"},
                        Fault.of("^UID COPY", 1, Action.DROP_BEFORE), 0),
                Arguments.of("one copy rule, drop after UID COPY ran, before its answer", ONE_COPY,
                        new String[] {"Backup"}, Fault.of("^UID COPY", 1, Action.DROP_AFTER), 4),
                Arguments.of("one copy rule, drop before the STATUS that precedes the COPY", ONE_COPY,
                        new String[] {"Backup"}, Fault.of("^STATUS", 1, Action.DROP_BEFORE), 0),
                Arguments.of("two copy rules, drop between the two COPYs", TWO_COPIES,
                        new String[] {"Backup", "Archive"}, Fault.of("^UID COPY", 2, Action.DROP_BEFORE), 4),
                Arguments.of("two copy rules, drop after the second COPY ran", TWO_COPIES,
                        new String[] {"Backup", "Archive"}, Fault.of("^UID COPY", 2, Action.DROP_AFTER), 4),
                Arguments.of("two copy rules, drop before the second rule's STORE (the next plan copies)",
                        TWO_COPIES, new String[] {"Backup", "Archive"}, Fault.of("^UID STORE", 2, Action.DROP_BEFORE),
                        4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void theNextRunMakesEachLostCopyOnce(String what, String rules, String[] destinations, Fault fault,
                                         int inBackupAfterBrokenRun) {
        Map<String, Map<String, String>> expected = undisturbed(rules, destinations);
        String user = newUser();

        brokenRun(user, rules, fault, state(user));

        assertThat(journal(user)).exists();
        assertThat(DOVECOT.fetch(user, "Backup")).hasSize(inBackupAfterBrokenRun);
        Config direct = config(user, DOVECOT.imapPort(), rules);
        List<RunResult> next = EndToEnd.once(direct, state(user));
        assertThat(next).allMatch(RunResult::ok);
        assertThat(mailboxes(user, destinations)).isEqualTo(expected);
        assertThat(journal(user)).doesNotExist();
        // A fixed point: one more run changes and copies nothing.
        assertThat(EndToEnd.once(direct, state(user))).allMatch(RunResult::ok);
        assertThat(mailboxes(user, destinations)).isEqualTo(expected);
    }

    @Test
    void aRecoveredCopyCarriesTheRulesFlagsNotTheOriginalsNewOnes() {
        String user = newUser();
        brokenRun(user, ONE_COPY, Fault.of("^UID COPY", 1, Action.DROP_BEFORE), state(user));
        long first = uidOf(user, "<a@copy.test>");
        // Another client flags the original between the runs; the copy must still be as the rule left it.
        DOVECOT.addFlags(user, "INBOX", first, "\\Flagged");

        RunResult next = EndToEnd.once(config(user, DOVECOT.imapPort(), ONE_COPY), state(user)).get(0);

        assertThat(next.ok()).as("%s", next).isTrue();
        assertThat(next.notes()).anyMatch(n -> n.contains("completed 4 copies that an earlier run left undone"));
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "INBOX")).containsEntry("<a@copy.test>", "[Copied, \\Flagged]");
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Backup")).containsOnly(
                Map.entry("<a@copy.test>", "[Copied]"), Map.entry("<b@copy.test>", "[Copied, \\Seen]"),
                Map.entry("<c@copy.test>", "[Copied, Old]"), Map.entry("<d@copy.test>", "[Copied, \\Answered, \\Seen]"));
    }

    @Test
    void withoutAStateDirectoryTheCopyIsLostAsBefore() {
        String user = newUser();
        brokenRun(user, ONE_COPY, Fault.of("^UID COPY", 1, Action.DROP_BEFORE), Optional.empty());

        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), ONE_COPY), Optional.empty()))
                .allMatch(RunResult::ok);

        assertThat(EndToEnd.byMessageId(DOVECOT, user, "INBOX")).allSatisfy((id, flags) ->
                assertThat(flags).contains("Copied"));
        assertThat(DOVECOT.fetch(user, "Backup")).isEmpty();
        assertThat(dir.resolve(user + "-state")).doesNotExist();
    }

    @Test
    void aJournalForAnotherUidValidityIsDiscarded() {
        String user = newUser();
        brokenRun(user, ONE_COPY, Fault.of("^UID COPY", 1, Action.DROP_BEFORE), state(user));
        assertThat(journal(user)).exists();
        DOVECOT.updateMailbox(user, "INBOX", "--uid-validity", "7");

        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), ONE_COPY), state(user))).allMatch(RunResult::ok);

        // The journal's UIDs may name other messages now: nothing is copied on its word.
        assertThat(DOVECOT.fetch(user, "Backup")).isEmpty();
        assertThat(journal(user)).doesNotExist();
    }

    @Test
    void aMessageWithoutMessageIdWhoseCopyIsInDoubtIsCopiedAgain() {
        String user = DOVECOT.newUser("copy");
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("x", "with id"),
                TestMessage.of("no id").withMessageId(null).withInternalDate(DAY)));
        brokenRun(user, ONE_COPY, Fault.of("^UID COPY", 1, Action.DROP_AFTER), state(user));
        assertThat(DOVECOT.fetch(user, "Backup")).hasSize(2);

        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), ONE_COPY), state(user))).allMatch(RunResult::ok);

        // The one with a Message-ID is found in Backup; the other cannot be told apart, so it is copied again.
        List<StoredMessage> backup = DOVECOT.fetch(user, "Backup");
        assertThat(backup).hasSize(3);
        assertThat(backup).filteredOn(m -> "<x@copy.test>".equals(m.messageId())).hasSize(1);
    }

    @Test
    void aFailedRunAuditsExactlyTheChangesTheServerAcknowledged() throws IOException {
        String rules = """
                  - name: one
                    match: {subject: one}
                    add_flags: [One]
                  - name: two
                    match: {subject: two}
                    move_to: Two
                """;
        String user = DOVECOT.newUser("copy");
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("one1", "one"), message("two1", "two"),
                message("one2", "one"), message("two2", "two")));

        // The connection is cut before the MOVE, after the STORE was answered (STOREs of one flight may
        // be answered or not when a connection drops mid-flight: only what was answered is audited).
        brokenRun(user, rules, Fault.of("^UID MOVE", 1, Action.DROP_BEFORE), Optional.empty());

        assertThat(auditedIdsAndRules(user)).containsExactlyInAnyOrder("<one1@copy.test> one", "<one2@copy.test> one");
        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), rules))).allMatch(RunResult::ok);
        assertThat(auditedIdsAndRules(user)).containsExactlyInAnyOrder("<one1@copy.test> one", "<one2@copy.test> one",
                "<two1@copy.test> two", "<two2@copy.test> two");
    }

    @Test
    void recoveredCopiesAreAuditedByTheRunThatMakesThem() throws IOException {
        String user = newUser();
        brokenRun(user, ONE_COPY, Fault.of("^UID COPY", 1, Action.DROP_BEFORE), state(user));
        // The flag store reached the server, the copy did not: no message is finished, so no line yet.
        assertThat(audit(user)).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyFile());

        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort(), ONE_COPY), state(user))).allMatch(RunResult::ok);

        assertThat(Files.readAllLines(audit(user))).hasSize(4)
                .allMatch(l -> l.contains("\"rule\":\"backup\"") && l.contains("\"action\":\"copy_to Backup\""));
    }

    private List<String> auditedIdsAndRules(String user) throws IOException {
        if (!Files.exists(audit(user))) {
            return List.of();
        }
        return Files.readAllLines(audit(user)).stream()
                .map(l -> l.replaceAll(".*\"message_id\":\"([^\"]*)\".*\"rule\":\"([^\"]*)\".*", "$1 $2")).toList();
    }

    private static long uidOf(String user, String messageId) {
        return DOVECOT.fetch(user, "INBOX").stream().filter(m -> messageId.equals(m.messageId())).findFirst()
                .orElseThrow().uid();
    }
}
