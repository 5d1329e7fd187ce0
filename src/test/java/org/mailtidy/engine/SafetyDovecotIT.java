package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety promises, on a real Dovecot: the {@link SafetyContract} every server keeps, and here also
 * byte for byte and from Dovecot's rawlog: dry run, other clients' \Deleted mail, limits, backups, audit.
 */
@Tag("dovecot")
class SafetyDovecotIT extends SafetyContract {
    private static final String RULES = """
            rules:
              - name: tag-reports
                match: {subject: report}
                add_flags: [\\Flagged, Reviewed]
              - name: purge-ads
                match: {subject: advert}
                delete: true
              - name: file-lists
                match: {subject: list}
                move_to: Lists
            """;

    private final Dovecot dovecot = Dovecot.get();

    @Override
    org.mailtidy.testsupport.MailServer server() {
        return dovecot;
    }

    @TempDir
    Path temp;

    @Test
    void aDryRunLeavesTheMailboxByteForByteAsItWasAndSendsNoChangingCommand() throws Exception {
        String user = mailbox();
        Map<String, String> before = maildirDigest(user);

        List<RunResult> results = run(user, RULES, true, Optional.empty(), Optional.empty(), 1000);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isTrue();
            // Both flags of the rule's add_flags in one STORE.
            assertThat(r.planned()).contains("UID STORE +FLAGS.SILENT (Reviewed \\Flagged) of 2 messages",
                    "UID MOVE to Lists of 1 message", "UID EXPUNGE of 2 messages");
        });
        assertThat(maildirDigest(user)).isEqualTo(before);
        assertThat(dovecot.rawCommands(user)).noneMatch(l -> l.matches("(?i)\\S+ (UID )?(STORE|COPY|MOVE|EXPUNGE|"
                + "CREATE|DELETE|RENAME|APPEND|SELECT) .*")).anyMatch(l -> l.matches("(?i)\\S+ EXAMINE .*"));
    }

    @Test
    void anotherClientsDeletedMessageIsNeverExpunged() throws Exception {
        String user = mailbox();
        long othersUid = uidOf(user, "<keep-me@test>");
        dovecot.addFlags(user, "INBOX", othersUid, "\\Deleted");

        List<RunResult> results = run(user, RULES, false, Optional.empty(), Optional.empty(), 1000);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
        assertThat(dovecot.fetch(user, "INBOX")).extracting(StoredMessage::messageId)
                .contains("<keep-me@test>").doesNotContain("<ad-1@test>", "<ad-2@test>", "<list-1@test>");
        assertThat(dovecot.fetch(user, "INBOX")).filteredOn(m -> m.messageId().equals("<keep-me@test>"))
                .singleElement().satisfies(m -> assertThat(m.flags()).contains("\\Deleted"));
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.matches("(?i)\\S+ (UID )?EXPUNGE.*"))
                .singleElement().satisfies(l -> assertThat(org.mailtidy.imap.UidSets.parse(l.replaceFirst(
                        "(?i)^\\S+ UID EXPUNGE ", ""))).doesNotContain(othersUid).hasSize(2));
    }

    @Test
    void moreDeletionsThanAllowedSendNothingAndFailLoudly() throws Exception {
        String user = mailbox();
        List<StoredMessage> before = dovecot.fetch(user, "INBOX");

        List<RunResult> results = run(user, RULES, false, Optional.empty(), Optional.empty(), 1);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).hasValue("refused: the rules would delete or trash 2 messages, more than"
                    + " safety.max_deletes_per_run (1); nothing was changed");
            // what the rules matched, but no work claimed: nothing was sent
            assertThat(r.ruleStats()).extracting(st -> st.matched()).containsExactly(2, 2, 1);
            assertThat(r.ruleStats()).allSatisfy(st -> assertThat(st.flagsChanged() + st.copied() + st.moved()
                    + st.deleted()).isZero());
        });
        assertThat(dovecot.fetch(user, "INBOX")).isEqualTo(before);
    }

    @Test
    void deletedMessagesAreSavedToTheBackupFolderFirstAndEveryChangeIsAudited() throws Exception {
        String user = mailbox();
        Path backup = temp.resolve("backup");
        Path audit = temp.resolve("audit.jsonl");

        List<RunResult> results = run(user, RULES, false, Optional.of(backup), Optional.of(new AuditLog(audit)), 1000);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
        Path cur = backup.resolve("test").resolve("INBOX").resolve("cur");
        try (Stream<Path> files = Files.list(cur)) {
            List<String> saved = files.map(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(saved).hasSize(2).allSatisfy(text -> assertThat(text).containsPattern("(?m)^Subject: .*advert"));
        }
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).hasSize(5); // one per message and rule: 2 tagged, 2 deleted, 1 moved
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"message_id\":\"<ad-1@test>\"",
                "\"rule\":\"purge-ads\"", "\"action\":\"delete\"", "\"account\":\"test\"", "\"mailbox\":\"INBOX\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"rule\":\"file-lists\"", "\"action\":\"move_to Lists\""));
    }

    @Test
    void aBackupThatCannotBeWrittenDeletesNothing() throws Exception {
        String user = mailbox();
        Path notADirectory = Files.writeString(temp.resolve("file"), "x");
        List<StoredMessage> before = dovecot.fetch(user, "INBOX");

        List<RunResult> results = run(user, RULES, false, Optional.of(notADirectory), Optional.empty(), 1000);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.error().orElseThrow()).startsWith("could not save messages to backup_dir")
                    .endsWith("; nothing was changed");
        });
        assertThat(dovecot.fetch(user, "INBOX")).isEqualTo(before);
    }

    private String mailbox() {
        String user = dovecot.newUser("safety");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("Quarterly report").withMessageId("<report-1@test>"),
                TestMessage.of("Annual report").withMessageId("<report-2@test>").withFlags("\\Seen"),
                TestMessage.of("advert: buy now").withMessageId("<ad-1@test>"),
                TestMessage.of("another advert").withMessageId("<ad-2@test>").withFlags("\\Deleted"),
                TestMessage.of("mailing list digest").withMessageId("<list-1@test>"),
                TestMessage.of("something else").withMessageId("<keep-me@test>")));
        return user;
    }

    private long uidOf(String user, String messageId) {
        return dovecot.fetch(user, "INBOX").stream().filter(m -> m.messageId().equals(messageId)).findFirst()
                .orElseThrow().uid();
    }

    private List<RunResult> run(String user, String rules, boolean dryRun, Optional<Path> backup,
                                Optional<AuditLog> audit, int maxDeletes) {
        String yaml = "version: 1\naccounts:\n"
                + EndToEnd.account("test", "127.0.0.1", dovecot.imapPort(), user, Dovecot.password(user))
                + "safety:\n  dry_run: " + dryRun + "\n  max_deletes_per_run: " + maxDeletes + "\n"
                + backup.map(b -> "  backup_dir: '" + b + "'\n").orElse("")
                + audit.map(a -> "audit:\n  file: '" + a.file() + "'\n").orElse("")
                + rules;
        return EndToEnd.once(EndToEnd.config(yaml));
    }

    /** File name (flags included) to content digest of every message file of the user's Maildirs. */
    private Map<String, String> maildirDigest(String user) throws Exception {
        Path root = dovecot.maildir(user, "INBOX");
        Map<String, String> out = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile)
                    .filter(p -> p.getParent().getFileName().toString().matches("cur|new")).toList()) {
                out.put(root.relativize(p).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        assertThat(out).hasSize(6);
        return out;
    }
}
