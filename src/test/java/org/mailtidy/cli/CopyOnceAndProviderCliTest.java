package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * What {@code once} and {@code check} say about copying rules without a state directory, and where
 * a rule means something else on Gmail.
 */
class CopyOnceAndProviderCliTest {
    private static final String RECEIPTS = """
              - name: receipts
                match: {subject: receipt}
                copy_to: Receipts
            """;
    private static final String WARNING = "warning: no state directory (--state-dir none), so copy rule receipts"
            + " copies every matching message again on every run";
    private static final GreenMailServer server = GreenMailServer.shared();

    @TempDir
    Path temp;

    private Path config(String account, String rules) throws Exception {
        Path file = temp.resolve("mailtidy.yaml");
        Files.writeString(file, "version: 1\naccounts:\n" + account + "rules:\n" + rules);
        return file;
    }

    private Path greenMailConfig(String user, String rules) throws Exception {
        return config("""
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: %s
                """.formatted(server.port(), user, GreenMailServer.password(user)), rules);
    }

    private static String user() {
        String user = server.newUser("copycli");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("receipt 1").withMessageId("<r1@cli.test>"),
                TestMessage.of("hello").withMessageId("<h@cli.test>")));
        return user;
    }

    @Test
    void onceWithAStateDirectoryCopiesOnceAndCountsOnlyNewCopies() throws Exception {
        String user = user();
        Path config = greenMailConfig(user, RECEIPTS);
        String state = temp.resolve("state").toString();

        CliTest.Run first = CliTest.run("once", "-c", config.toString(), "--state-dir", state);
        CliTest.Run second = CliTest.run("once", "-c", config.toString(), "--state-dir", state);

        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("test\\s+INBOX\\s+receipts\\s+1\\s+0\\s+1\\s+0\\s+0")
                .doesNotContain("warning");
        assertThat(second.out()).containsPattern("test\\s+INBOX\\s+receipts\\s+1\\s+0\\s+0\\s+0\\s+0")
                .doesNotContain("warning");
        assertThat(server.fetch(user, "Receipts")).extracting(StoredMessage::messageId).containsExactly("<r1@cli.test>");
    }

    @Test
    void onceWithoutAStateDirectoryCopiesAgainAndSaysSo() throws Exception {
        String user = user();
        Path config = greenMailConfig(user, RECEIPTS);

        CliTest.run("once", "-c", config.toString(), "--state-dir", "none");
        CliTest.Run second = CliTest.run("once", "-c", config.toString(), "--state-dir", "none");

        assertThat(second.status()).as(second.err()).isZero();
        assertThat(second.out()).containsPattern("test\\s+INBOX\\s+receipts\\s+1\\s+0\\s+1\\s+0\\s+0")
                .containsOnlyOnce(WARNING);
        assertThat(server.fetch(user, "Receipts")).extracting(StoredMessage::messageId)
                .containsExactly("<r1@cli.test>", "<r1@cli.test>");
    }

    @Test
    void checkSaysSoWithoutAStateDirectoryOnlyWhereARuleCopies() throws Exception {
        Path copying = greenMailConfig("u", RECEIPTS);

        CliTest.Run none = CliTest.run("check", "-c", copying.toString(), "--state-dir", "none");
        CliTest.Run kept = CliTest.run("check", "-c", copying.toString(), "--state-dir", temp.toString());

        assertThat(none.status()).isZero();
        assertThat(none.out()).containsOnlyOnce(WARNING);
        assertThat(kept.status()).isZero();
        assertThat(kept.out()).doesNotContain("warning");
        Path flagging = greenMailConfig("u", """
                  - name: flag
                    match: {subject: receipt}
                    add_flags: [\\Flagged]
                """);
        assertThat(CliTest.run("check", "-c", flagging.toString(), "--state-dir", "none").out())
                .doesNotContain("warning");
    }

    @Test
    void checkWarnsWhereARuleMeansSomethingElseOnGmail() throws Exception {
        String rules = """
                  - name: purge-ads
                    match: {from: ads@}
                    delete: true
                  - name: receipts
                    match: {subject: receipt}
                    copy_to: Receipts
                  - name: file-lists
                    match: {header: {List-Id: dev}}
                    move_to: Lists
                  - name: read
                    match: {seen: false, older_than: 30d}
                    add_flags: [\\Seen]
                """;
        Path gmail = config("""
                  gmail:
                    host: imap.gmail.com
                    username: alice@gmail.com
                    password: not-used-by-check
                """, rules);

        CliTest.Run r = CliTest.run("check", "-c", gmail.toString(), "--state-dir", temp.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("  warning:   on Gmail, delete moves to [Gmail]/Trash (the \\Trash mailbox)")
                .contains("To remove only the label, write move_to: \"[Gmail]/All Mail\" instead")
                .contains("  warning:   on Gmail, copy_to Receipts adds the label Receipts to the same message")
                .contains("  warning:   on Gmail, move_to Lists replaces this mailbox's label with Lists"
                        + " (from INBOX: archives and labels)");
        assertThat(r.out().lines().filter(l -> l.startsWith("  warning:"))).hasSize(3);
        Path elsewhere = config("""
                  mine:
                    host: imap.example.org
                    username: alice@example.org
                    password: not-used-by-check
                """, rules);
        assertThat(CliTest.run("check", "-c", elsewhere.toString(), "--state-dir", temp.toString()).out())
                .doesNotContain("warning");
    }

    @Test
    void onGmailADeleteInTheTrashItselfIsADeleteAndCheckDoesNotWarn() throws Exception {
        Path gmail = config("""
                  gmail:
                    host: imap.gmail.com
                    username: alice@gmail.com
                    password: not-used-by-check
                """, """
                  - name: empty-trash
                    mailbox: "[Gmail]/Trash"
                    match: {older_than: 7d}
                    delete: true
                """);

        CliTest.Run r = CliTest.run("check", "-c", gmail.toString(), "--state-dir", temp.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("rule empty-trash").doesNotContain("warning");
    }
}
