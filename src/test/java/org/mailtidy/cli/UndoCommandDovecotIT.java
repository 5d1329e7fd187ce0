package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailtidy undo} as a user runs it after {@code mailtidy once}: output, exit statuses, refusals. */
@Tag("dovecot")
class UndoCommandDovecotIT {
    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void onceNamesItsRunAndUndoTakesItBackAfterADryRunThatChangesNothing() throws Exception {
        String user = dovecot.newUser("undocli");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("invoice 1").withMessageId("<i1@test>"),
                TestMessage.of("advert").withMessageId("<ad@test>").withFlags("\\Seen"),
                TestMessage.of("hello").withMessageId("<hello@test>")));
        Path config = config(user, """
                  - name: flag-invoices
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                  - name: purge-adverts
                    match: {subject: advert}
                    delete: true
                """);
        List<StoredMessage> before = dovecot.fetch(user, "INBOX");

        CliTest.Run once = CliTest.run("once", "-c", config.toString(), "--state-dir", "none");
        assertThat(once.status()).isZero();
        Matcher run = Pattern.compile("(?m)^Run (\\S+) \\(to take it back: mailtidy undo --audit "
                + Pattern.quote(temp.resolve("audit.jsonl").toString()) + " --run \\1\\)$").matcher(once.out());
        assertThat(run.find()).as(once.out()).isTrue();
        String id = run.group(1);
        List<StoredMessage> afterRun = dovecot.fetch(user, "INBOX");
        String audit = temp.resolve("audit.jsonl").toString();

        int sentBefore = dovecot.rawCommands(user).size();
        CliTest.Run dry = CliTest.run("undo", "-c", config.toString(), "--audit", audit, "--run", id, "--dry-run");
        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(dry.out().lines()).containsExactly(
                "Dry run: nothing was changed. What undo would do:",
                "would undo  test INBOX UID 1 <i1@test>: flags \\Flagged back to (none)",
                "would undo  test INBOX UID 2 <ad@test>: append from " + backupFile(2) + " with flags \\Seen",
                "2 changes would be undone, 0 could not be undone");
        assertThat(dovecot.fetch(user, "INBOX")).isEqualTo(afterRun);
        List<String> dryCommands = dovecot.rawCommands(user);
        assertThat(dryCommands.subList(sentBefore, dryCommands.size())).noneMatch(l -> l.matches(
                "(?i)\\S+ (UID )?(STORE|COPY|MOVE|EXPUNGE|CREATE|APPEND|SELECT) .*"))
                .anyMatch(l -> l.matches("(?i)\\S+ EXAMINE .*"));

        CliTest.Run undo = CliTest.run("undo", "-c", config.toString(), "--audit", audit, "--run", id);
        assertThat(undo.status()).as(undo.err()).isZero();
        assertThat(undo.out().lines()).containsExactly(
                "undone      test INBOX UID 1 <i1@test>: flags \\Flagged back to (none)",
                "undone      test INBOX UID 2 <ad@test>: appended from its backup (now UID 4) with flags \\Seen",
                "2 changes undone, 0 could not be undone");
        assertThat(dovecot.fetch(user, "INBOX")).extracting(StoredMessage::messageId, StoredMessage::flags)
                .containsExactlyInAnyOrderElementsOf(before.stream().map(m -> org.assertj.core.groups.Tuple.tuple(
                        m.messageId(), m.flags())).toList());

        CliTest.Run again = CliTest.run("undo", "-c", config.toString(), "--audit", audit, "--run", id);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.out()).contains("NOT undone  test INBOX UID 2 <ad@test>: a message with its Message-ID is"
                + " already in INBOX; not appended twice", "1 change undone, 1 could not be undone");
    }

    @Test
    void aMessageDeletedWithoutABackupIsReportedAndTheRestUndone() throws Exception {
        String user = dovecot.newUser("undocli");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("advert").withMessageId("<ad@test>"),
                TestMessage.of("hello").withMessageId("<hello@test>")));
        Path config = config(user, """
                  - name: read-all
                    match: {all_messages: true}
                    add_flags: [\\Seen]
                  - name: purge-adverts
                    match: {subject: advert}
                    delete: true
                """);
        Files.writeString(config, Files.readString(config).replaceFirst("(?m)^  backup_dir: .*\n", "")
                .replace("safety:\n", ""));
        CliTest.Run once = CliTest.run("once", "-c", config.toString(), "--state-dir", "none");
        assertThat(once.status()).as(once.out()).isZero();
        String id = once.out().replaceAll("(?s).*?Run (\\S+) .*", "$1");

        CliTest.Run undo = CliTest.run("undo", "-c", config.toString(), "--audit",
                temp.resolve("audit.jsonl").toString(), "--run", id);

        assertThat(undo.status()).isEqualTo(1);
        assertThat(undo.out().lines()).containsExactly(
                "undone      test INBOX UID 2 <hello@test>: flags \\Seen back to (none)",
                "NOT undone  test INBOX UID 1 <ad@test>: deleted without a backup (safety.backup_dir was not set),"
                        + " so it cannot be put back",
                "1 change undone, 1 could not be undone");
        assertThat(dovecot.fetch(user, "INBOX")).extracting(StoredMessage::messageId).containsExactly("<hello@test>");
    }

    @Test
    void aBadAuditLineAnUnknownRunOrBothSelectorsAreUsageErrors() throws Exception {
        String user = dovecot.newUser("undocli");
        Path config = config(user, """
                  - name: anything
                    match: {all_messages: true}
                    add_flags: [\\Seen]
                """);
        Path audit = temp.resolve("audit.jsonl");
        Files.writeString(audit, "{\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"test\",\"mailbox\":\"INBOX\","
                + "\"uidvalidity\":1,\"uid\":1,\"message_id\":null,\"rule\":\"r\",\"action\":\"delete\"}\n");

        CliTest.Run old = CliTest.run("undo", "-c", config.toString(), "--audit", audit.toString(), "--run", "x");
        assertThat(old.status()).isEqualTo(2);
        assertThat(old.err()).startsWith("--audit: " + audit + ":1: no \"v\" field").contains("nothing was undone");

        Files.writeString(audit, "");
        CliTest.Run unknown = CliTest.run("undo", "-c", config.toString(), "--audit", audit.toString(), "--run", "x");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("--run x: no line of " + audit + " has this run id");

        CliTest.Run both = CliTest.run("undo", "-c", config.toString(), "--audit", audit.toString(), "--run", "x",
                "--since", "2026-01-01");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    private String backupFile(long uid) throws Exception {
        try (var files = Files.list(temp.resolve("backup").resolve("test").resolve("INBOX").resolve("cur"))) {
            return files.filter(p -> p.getFileName().toString().contains("U" + uid + ".")).findFirst().orElseThrow()
                    .toAbsolutePath().toString();
        }
    }

    private Path config(String user, String rules) throws Exception {
        return Files.writeString(temp.resolve("mailtidy.yaml"), """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: '%s'
                safety:
                  backup_dir: '%s'
                audit:
                  file: '%s'
                rules:
                """.formatted(dovecot.imapPort(), user, Dovecot.password(user), temp.resolve("backup"),
                temp.resolve("audit.jsonl")) + rules);
    }
}
