package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process, against GreenMail: exit statuses, output, and the work done. */
class CliTest {
    private static final GreenMailServer server = GreenMailServer.shared();

    @TempDir
    Path temp;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void onceRunsTheRulesAndPrintsATablePerRuleAndMailbox() throws Exception {
        String user = server.newUser("cli");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1"), TestMessage.of("invoice 2"),
                TestMessage.of("hello").withFlags("\\Seen")));
        Path config = config(user, GreenMailServer.password(user), """
                  - name: flag-invoices
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                  - name: read-everything
                    match: {seen: false}
                    add_flags: [\\Seen]
                """);

        Run r = run("once", "-c", config.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("account\\s+mailbox\\s+rule\\s+matched\\s+flags\\s+copied\\s+moved\\s+deleted")
                .containsPattern("test\\s+INBOX\\s+flag-invoices\\s+2\\s+2\\s+0\\s+0\\s+0")
                .containsPattern("test\\s+INBOX\\s+read-everything\\s+2\\s+2\\s+0\\s+0\\s+0")
                .contains("test INBOX: ok, 3 messages");
        assertThat(server.fetch(user, "INBOX")).extracting(StoredMessage::flags)
                .allSatisfy(f -> assertThat(f).contains("\\Seen"));
    }

    @Test
    void aWildcardThatMatchesNoMailboxIsALineInTheOutput() throws Exception {
        String user = server.newUser("cli-wildcard");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("hello")));
        Path config = config(user, GreenMailServer.password(user), """
                  - name: lists-read
                    mailboxes: ["Lists/*"]
                    match: {seen: false}
                    add_flags: [\\Seen]
                  - name: flag-all
                    match: {all_messages: true}
                    add_flags: [\\Flagged]
                """);

        Run r = run("once", "-c", config.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("test INBOX: ok, 1 messages")
                .contains("note: no mailbox matches 'Lists/*': rules lists-read ran on no mailbox for it");
    }

    @Test
    void aDryRunSaysWhatItWouldSendAndChangesNothing() throws Exception {
        String user = server.newUser("dry");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1")));
        Path config = config(user, GreenMailServer.password(user), """
                  - name: flag-invoices
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                """);

        Run r = run("once", "--dry-run", "-c", config.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Dry run: nothing was changed.")
                .contains("would send UID STORE +FLAGS.SILENT (\\Flagged) of 1 message");
        assertThat(server.fetch(user, "INBOX")).singleElement()
                .satisfies(m -> assertThat(m.flags()).doesNotContain("\\Flagged"));
    }

    @Test
    void aFailedAccountGivesStatusOneWhileTheOtherAccountsStillRun() throws Exception {
        String user = server.newUser("good");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1")));
        Path config = Files.writeString(temp.resolve("two.yaml"), """
                version: 1
                accounts:
                  good:
                    host: 127.0.0.1
                    port: %1$d
                    tls: none
                    username: %2$s
                    password: %3$s
                  bad:
                    host: 127.0.0.1
                    port: %1$d
                    tls: none
                    username: %2$s
                    password: not-the-password
                rules:
                  - name: good-rule
                    account: good
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                  - name: bad-rule
                    account: bad
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                """.formatted(server.port(), user, GreenMailServer.password(user)));

        Run r = run("once", "-c", config.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("good INBOX: ok, 1 messages").containsPattern("bad \\*: FAILED: .*")
                .doesNotContain("not-the-password");
        assertThat(server.fetch(user, "INBOX")).singleElement().satisfies(m -> assertThat(m.flags()).contains("\\Flagged"));
    }

    @Test
    void aMailboxThatDoesNotExistFailsItsRunWithAClearMessageAndTheOthersStillRun() throws Exception {
        String user = server.newUser("nobox");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1")));
        Path config = config(user, GreenMailServer.password(user), """
                  - name: in-a-missing-mailbox
                    mailbox: Does/Not/Exist
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                  - name: in-the-inbox
                    match: {subject: invoice}
                    add_flags: [\\Seen]
                """);

        Run r = run("once", "-c", config.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).containsPattern("test Does/Not/Exist: FAILED: .*Does/Not/Exist.*")
                .contains("test INBOX: ok, 1 messages");
    }

    @Test
    void badConfigurationAndBadUsageExitWithTwo() throws Exception {
        Path bad = Files.writeString(temp.resolve("bad.yaml"), "version: 1\naccounts: {}\nrules: []\nbogus: 1\n");
        Run config = run("check", "-c", bad.toString());
        assertThat(config.status()).isEqualTo(2);
        assertThat(config.err()).contains(bad + ":4:1: bogus: unknown key").contains("nothing was run");

        assertThat(run("check", "--no-such-option").status()).isEqualTo(2);
        assertThat(run("frobnicate").status()).isEqualTo(2);
        Path good = config("u", "p", """
                  - name: r
                    match: {seen: false}
                    add_flags: [\\Seen]
                """);
        Run unknownRule = run("once", "-c", good.toString(), "--rule", "nope");
        assertThat(unknownRule.status()).isEqualTo(2);
        assertThat(unknownRule.err()).contains("--rule nope: no such rule in " + good);
    }

    @Test
    void versionAndHelp() {
        Run version = run("--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("mailtidy ");
        Run help = run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("check", "once", "run", "demo", "oauth2");
    }

    @Test
    void theDemoRunsItsRulesAndShowsTheMailboxesBeforeAndAfter() {
        Run r = run("demo");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Before:", "What each rule did", "After:", "Sample messages, before -> after:")
                .containsPattern("demo\\s+INBOX\\s+purge-old-digests\\s+\\d+\\s+0\\s+0\\s+0\\s+[1-9]\\d*")
                .containsPattern("Lists/dev\\s+[1-9]\\d*")
                .contains("demo INBOX: ok, 300 messages");
    }

    private Path config(String user, String password, String rules) throws Exception {
        return Files.writeString(temp.resolve("mailtidy.yaml"), """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: %s
                rules:
                """.formatted(server.port(), user, password) + rules);
    }
}
