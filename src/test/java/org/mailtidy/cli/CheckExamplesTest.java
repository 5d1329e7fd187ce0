package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailtidy check} runs the file's {@code tests:} offline through the planner: passing
 * examples print one line, a failing one expected against actual and exit 2; {@code --no-secrets}
 * lists what it did not check.
 */
class CheckExamplesTest {

    @TempDir
    Path temp;

    private static final String HEAD = """
            version: 1
            accounts:
              personal:
                host: imap.example.org
                username: alice
                password: literal-pw
                trash_mailbox: Bin
              work:
                host: mail.example.com
                username: alice
                password_file: /nonexistent/work-password
            defaults: {timezone: Europe/Berlin}
            rules:
              - name: read-newsletters
                account: personal
                match: {from: newsletter@, seen: false}
                add_flags: [\\Seen]
              - name: invoices
                account: personal
                on: arrival
                match: {subject_regex: '(?i)\\binvoice\\b'}
                set_flags: [\\Seen, Invoice]
                copy_to: Accounting
                stop: true
              - name: trash-spam
                account: personal
                schedule: "0 3 * * *"
                match: {header: {X-Spam-Flag: YES}}
                trash: true
              - name: disabled-delete-everything
                account: personal
                enabled: false
                match: {all_messages: true}
                delete: true
              - name: old-lists
                account: personal
                mailboxes: [Lists/*]
                match: {older_than: 30d, body: unsubscribe}
                move_to: Archive/Lists
              - name: work-delete-all
                account: work
                match: {all_messages: true}
                delete: true
              - name: purge-received-last-year
                account: personal
                match: {received_before: 2026-01-01, from: newsletter@}
                delete: true
            tests:
            """;

    private Path file(String tests) throws Exception {
        Path f = temp.resolve("mailtidy.yaml");
        Files.writeString(f, HEAD + tests);
        return f;
    }

    @Test
    void passingExamplesPrintOneLineEachAndExitZero() throws Exception {
        Path f = file("""
                  - name: a newsletter is read
                    account: personal
                    message: {from: Weekly <NewsLetter@shop.example>, subject: Deals, received: 2h ago}
                    expect: {rules: [read-newsletters], result: kept, flags: [\\Seen], copied_to: []}
                  - name: an invoice is copied and replaced, even by an arrival-only rule
                    account: personal
                    message: {from: newsletter@shop.example, subject: Your Invoice, flags: [\\Flagged], received: 1d ago}
                    expect:
                      rules: [read-newsletters, invoices]
                      result: kept
                      flags: [\\Seen, Invoice]
                      copied_to: [Accounting]
                  - name: spam goes to the account's trash, whatever the schedule
                    account: personal
                    message:
                      from: x@spam.example
                      headers: {X-Spam-Flag: "yes"}
                      received: 2026-06-01
                    expect: {rules: [trash-spam], result: trashed}
                  - name: an old list message with the word in its body is archived
                    account: personal
                    mailbox: Lists/dev
                    message: {received: 40d ago, body: "To UNSUBSCRIBE, reply."}
                    expect: {rules: [old-lists], result: moved, moved_to: Archive/Lists}
                  - name: the calendar day counts in the configured zone
                    account: personal
                    message: {from: newsletter@x.example, flags: [\\Seen], received: "2025-12-31T23:30:00Z"}
                    expect: {rules: [], result: kept}
                  - name: a work message is deleted
                    account: work
                    message: {received: now}
                    expect: {rules: [work-delete-all], result: deleted}
                """);

        CliTest.Run r = CliTest.run("check", "-c", f.toString());

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("valid: 2 accounts, 7 rules")
                .contains("  ok    a newsletter is read\n")
                .contains("  ok    an invoice is copied and replaced, even by an arrival-only rule\n")
                .contains("  ok    spam goes to the account's trash, whatever the schedule\n")
                .contains("  ok    an old list message with the word in its body is archived\n")
                .contains("  ok    the calendar day counts in the configured zone\n")
                .contains("  ok    a work message is deleted\n")
                .contains("all 6 tests passed")
                .doesNotContain("FAIL");
    }

    @Test
    void aFailingExamplePrintsExpectedAgainstActualAndExitsTwo() throws Exception {
        Path f = file("""
                  - name: passes
                    account: personal
                    message: {subject: hello, received: 1d ago}
                    expect: {result: kept, rules: []}
                  - name: the author thinks newsletters are deleted
                    account: personal
                    message: {from: newsletter@shop.example, subject: Invoice 7, received: 3d ago}
                    expect:
                      rules: [read-newsletters]
                      result: deleted
                      flags: [\\Seen]
                  - name: rules that do not run here
                    account: personal
                    message: {subject: hello, received: 1d ago}
                    expect: {result: kept, rules: [disabled-delete-everything, work-delete-all, old-lists]}
                """);

        CliTest.Run r = CliTest.run("check", "-c", f.toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("  ok    passes\n")
                .contains("  FAIL  the author thinks newsletters are deleted (personal INBOX, line 53)\n")
                .containsPattern("\\* result +expected: deleted +actual: kept\n")
                .containsPattern("\\* flags +expected: \\\\Seen +actual: Invoice \\\\Seen\n")
                .containsPattern("  copied_to +expected: \\(not checked\\) +actual: Accounting\n")
                .containsPattern("\\* rules +expected: read-newsletters +actual: read-newsletters, invoices\n")
                .contains("        note: rule disabled-delete-everything does not run on personal INBOX: it is disabled\n")
                .contains("        note: rule work-delete-all does not run on personal INBOX: its account is work\n")
                .contains("        note: rule old-lists does not run on personal INBOX: its mailboxes are Lists/*\n")
                .contains("2 of 3 tests failed");
    }

    @Test
    void withoutSecretsUnsetVariablesFilesAndCommandsAreNotCheckedAndTheFileIsValid() throws Exception {
        Path f = temp.resolve("secrets.yaml");
        Files.writeString(f, """
                version: 1
                accounts:
                  a:
                    host: imap.example.org
                    username: alice
                    password: ${MAILTIDY_TEST_UNSET_PASSWORD}
                  b:
                    host: imap.example.org
                    username: bob
                    password_command: [/nonexistent/pass, show, mail]
                  c:
                    host: imap.example.org
                    username: carol
                    password_file: /nonexistent/carol
                  d:
                    username: dan@example.com
                    oauth2:
                      provider: google
                      client_id: mailtidy-id
                      client_secret: ${MAILTIDY_TEST_UNSET_CLIENT_SECRET}
                      refresh_token_file: /nonexistent/refresh-token
                rules:
                  - name: r
                    account: a
                    match: {seen: true}
                    add_flags: [\\Flagged]
                tests:
                  - name: seen mail is flagged
                    account: a
                    message: {flags: [\\Seen], received: now}
                    expect: {result: kept, flags: [\\Seen, \\Flagged]}
                """);

        CliTest.Run plain = CliTest.run("check", "-c", f.toString());
        CliTest.Run r = CliTest.run("check", "--no-secrets", "-c", f.toString());

        assertThat(plain.status()).isEqualTo(2);
        assertThat(plain.err()).contains("secrets.yaml:6:15: accounts.a.password: environment variable"
                + " MAILTIDY_TEST_UNSET_PASSWORD is not set");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("not checked: " + f + ":6: accounts.a.password: ${MAILTIDY_TEST_UNSET_PASSWORD} is not set\n")
                .contains("not checked: " + f + ":10: accounts.b.password_command: the command [/nonexistent/pass, show, mail]"
                        + " is not run\n")
                .contains("not checked: " + f + ":14: accounts.c.password_file: the file /nonexistent/carol is not read\n")
                .contains("not checked: " + f + ":20: accounts.d.oauth2.client_secret:"
                        + " ${MAILTIDY_TEST_UNSET_CLIENT_SECRET} is not set\n")
                .contains("not checked: " + f + ":21: accounts.d.oauth2.refresh_token_file: the file"
                        + " /nonexistent/refresh-token is not read\n")
                .contains("  ok    seen mail is flagged")
                .doesNotContain("(not checked)\n");
    }

    @Test
    void withoutSecretsOtherErrorsStillFail() throws Exception {
        Path f = temp.resolve("bad.yaml");
        Files.writeString(f, """
                version: 1
                accounts:
                  a:
                    host: imap.example.org
                    port: ${MAILTIDY_TEST_UNSET_PORT}
                    username: alice
                    password: ${MAILTIDY_TEST_UNSET_PASSWORD}
                rules:
                  - name: r
                    match: {seen: yes}
                    add_flags: [\\Flagged]
                """);

        CliTest.Run r = CliTest.run("check", "--no-secrets", "-c", f.toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml:5:11: accounts.a.port: environment variable MAILTIDY_TEST_UNSET_PORT is not set")
                .contains("bad.yaml:10:19: rules[0].match.seen: expected true or false, got \"yes\"")
                .doesNotContain("accounts.a.password");
    }
}
