package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every count {@code once} prints is what the server holds afterwards, also where the server lacks
 * the extensions that make the work possible (Dovecot with MOVE and UIDPLUS hidden by a proxy):
 * a message copied but left with {@code \Deleted} is not "moved", one marked but not expunged is not
 * "deleted".
 */
@Tag("dovecot")
class AcknowledgedCountsDovecotIT {
    private static final String RULES = """
              - name: tag-reports
                match: {subject: report}
                add_flags: [\\Flagged]
              - name: copy-receipts
                match: {subject: receipt}
                copy_to: Receipts
              - name: purge-ads
                match: {subject: advert}
                delete: true
              - name: file-lists
                match: {subject: list}
                move_to: Lists
            """;
    private static final Pattern ROW = Pattern.compile(
            "(?m)^test\\s+INBOX\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void withoutMoveAndUidplusNothingIsCountedMovedOrDeletedAndTheOutputSaysWhy() throws Exception {
        String user = mailbox();
        CliTest.Run r;
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("MOVE", "UIDPLUS"))) {
            r = CliTest.run("once", "-c", config(user, proxy.port()).toString(), "--state-dir",
                    temp.resolve("state").toString());
        }

        assertThat(r.status()).as(r.err()).isZero();
        Map<String, int[]> rows = rows(r.out());
        assertThat(rows.get("tag-reports")).containsExactly(2, 2, 0, 0, 0);
        assertThat(rows.get("copy-receipts")).containsExactly(1, 0, 1, 0, 0);
        assertThat(rows.get("purge-ads")).containsExactly(2, 0, 0, 0, 0);
        assertThat(rows.get("file-lists")).containsExactly(2, 0, 0, 0, 0);
        assertThat(r.out()).contains("2 messages were copied to the move_to or trash mailbox but not moved (the server"
                + " has no MOVE): the originals stay here marked \\Deleted, and are not counted as moved");
        // what the server holds: everything still in INBOX, the lists' copies in Lists
        assertThat(ids(user, "INBOX")).containsExactlyInAnyOrder("<report-1@test>", "<report-2@test>",
                "<receipt@test>", "<ad-1@test>", "<ad-2@test>", "<list-1@test>", "<list-2@test>");
        assertThat(ids(user, "Lists")).containsExactlyInAnyOrder("<list-1@test>", "<list-2@test>");
        assertThat(ids(user, "Receipts")).containsExactly("<receipt@test>");
        assertThat(dovecot.fetch(user, "INBOX")).filteredOn(m -> m.messageId().startsWith("<report-"))
                .allSatisfy(m -> assertThat(m.flags()).contains("\\Flagged"));
    }

    @Test
    void withUidplusButNoMoveTheCountsAreTheMessagesReallyMovedAndExpunged() throws Exception {
        String user = mailbox();
        CliTest.Run r;
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("MOVE"))) {
            r = CliTest.run("once", "-c", config(user, proxy.port()).toString(), "--state-dir",
                    temp.resolve("state").toString());
        }

        assertThat(r.status()).as(r.err()).isZero();
        Map<String, int[]> rows = rows(r.out());
        assertThat(rows.get("tag-reports")).containsExactly(2, 2, 0, 0, 0);
        assertThat(rows.get("copy-receipts")).containsExactly(1, 0, 1, 0, 0);
        assertThat(rows.get("purge-ads")).containsExactly(2, 0, 0, 0, 2);
        assertThat(rows.get("file-lists")).containsExactly(2, 0, 0, 2, 0);
        assertThat(ids(user, "INBOX")).containsExactlyInAnyOrder("<report-1@test>", "<report-2@test>",
                "<receipt@test>");
        assertThat(ids(user, "Lists")).containsExactlyInAnyOrder("<list-1@test>", "<list-2@test>");
        assertThat(ids(user, "Receipts")).containsExactly("<receipt@test>");
    }

    /** Rule name to matched, flags, copied, moved, deleted as printed. */
    private static Map<String, int[]> rows(String out) {
        Map<String, int[]> rows = new HashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))});
        }
        assertThat(rows).as(out).hasSize(4);
        return rows;
    }

    private List<String> ids(String user, String mailbox) {
        return dovecot.fetch(user, mailbox).stream().map(StoredMessage::messageId).toList();
    }

    private String mailbox() {
        String user = dovecot.newUser("counts");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("Quarterly report").withMessageId("<report-1@test>"),
                TestMessage.of("Annual report").withMessageId("<report-2@test>").withFlags("\\Seen"),
                TestMessage.of("your receipt").withMessageId("<receipt@test>"),
                TestMessage.of("advert: buy now").withMessageId("<ad-1@test>"),
                TestMessage.of("another advert").withMessageId("<ad-2@test>").withFlags("\\Deleted"),
                TestMessage.of("mailing list digest").withMessageId("<list-1@test>"),
                TestMessage.of("list digest 2").withMessageId("<list-2@test>")));
        return user;
    }

    private Path config(String user, int port) throws Exception {
        return Files.writeString(temp.resolve("mailtidy.yaml"), """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: '%s'
                rules:
                """.formatted(port, user, Dovecot.password(user)) + RULES);
    }
}
