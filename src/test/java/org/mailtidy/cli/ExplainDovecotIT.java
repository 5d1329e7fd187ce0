package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailtidy explain} on a real Dovecot, read-only, asserted line by line. */
@Tag("dovecot")
class ExplainDovecotIT {
    private static final Instant OLD = Instant.parse("2024-01-15T10:00:00Z");
    private static final String RULES = """
              - name: newsletters-read
                match: {from: newsletter@shop.example, seen: false}
                add_flags: [\\Seen, $Newsletter]
              - name: invoices
                match:
                  subject_regex: '(?i)invoice \\d+'
                  not: {keyword: Paid}
                add_flags: [\\Flagged]
                copy_to: Invoices
                stop: true
              - name: old-newsletters
                match:
                  all:
                    - {older_than: 1y}
                    - any: [{keyword: $Newsletter}, {subject: digest}]
                move_to: Archive
              - name: everything-else
                match: {all_messages: true}
                add_flags: [Seen-By-Mailtidy]
            """;

    private final Dovecot dovecot = Dovecot.get();
    private String user;
    private Path config;

    @TempDir
    Path temp;

    @BeforeEach
    void mailbox() throws Exception {
        user = dovecot.newUser("explain");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("Weekly deals").withFrom("Shop <newsletter@shop.example>")
                        .withMessageId("<news@test>").withInternalDate(OLD).withFlags("$Todo"),
                TestMessage.of("Invoice 2026 for you").withFrom("billing@shop.example").withMessageId("<inv@test>")
                        .withInternalDate(OLD),
                TestMessage.of("Invoice 7").withMessageId("<paid@test>").withFlags("\\Seen", "Paid")));
        config = Files.writeString(temp.resolve("mailtidy.yaml"), """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: '%s'
                defaults:
                  timezone: UTC
                rules:
                """.formatted(dovecot.imapPort(), user, Dovecot.password(user)) + RULES);
    }

    @Test
    void aNewsletterMatchesTheFirstRuleFailsTheSecondOnItsSubjectAndIsMovedByTheThird() {
        List<StoredMessage> before = dovecot.fetch(user, "INBOX");

        CliTest.Run r = CliTest.run("explain", "-c", config.toString(), "--message-id", "<news@test>");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(normalized(r.out())).containsExactly(
                "Message UID 1 in test INBOX (UIDVALIDITY V), examined read-only",
                "  Message-ID    <news@test>",
                "  INTERNALDATE  2024-01-15T10:00:00Z",
                "  size          N bytes",
                "  flags         $Todo",
                "  (each server criterion is shown with its own UID SEARCH, sent restricted to this UID)",
                "",
                "1. newsletters-read  MATCHED",
                "     all of:                                  yes",
                "       from: newsletter@shop.example          yes  server: UID SEARCH FROM \"newsletter@shop.example\"",
                "       seen: false                            yes  flag table: $Todo",
                "     flags    $Todo  ->  \\Seen $Newsletter $Todo",
                "     actions  add_flags \\Seen $Newsletter",
                "2. invoices          no match",
                "     all of:                                  no",
                "       header_regex Subject: (?i)invoice \\d+  no   header Subject: \"Weekly deals\", find"
                        + " /(?i)invoice \\d+/   <- decides",
                "       not:                                   yes",
                "         keyword: Paid                        no   flag table: \\Seen $Newsletter $Todo",
                "     flags    \\Seen $Newsletter $Todo (unchanged)",
                "     stop     yes (did not match)",
                "3. old-newsletters   MATCHED",
                "     all of:                                  yes",
                "       older_than: 365d                       yes  INTERNALDATE 2024-01-15T10:00:00Z; now - 365d = T",
                "       any of:                                yes",
                "         keyword: $Newsletter                 yes  flag table: \\Seen $Newsletter $Todo",
                "         subject: digest                      no   server: UID SEARCH SUBJECT \"digest\"",
                "     flags    \\Seen $Newsletter $Todo (unchanged)",
                "     actions  move_to Archive",
                "4. everything-else   not seen: moved to Archive by rule old-newsletters",
                "",
                "Result: moved to Archive with flags \\Seen $Newsletter $Todo",
                "A run would send:",
                "  UID STORE 1 +FLAGS.SILENT ($Newsletter \\Seen)",
                "  UID MOVE 1 Archive");
        assertThat(dovecot.fetch(user, "INBOX")).isEqualTo(before);
        assertThat(dovecot.rawCommands(user)).noneMatch(l -> l.matches("(?i)\\S+ (UID )?(STORE|COPY|MOVE|EXPUNGE|"
                + "CREATE|APPEND|SELECT) .*")).anyMatch(l -> l.matches("(?i)\\S+ EXAMINE .*"));
    }

    @Test
    void anInvoiceFailsTheFirstRuleOnItsSenderAndStopsAtTheSecond() {
        CliTest.Run r = CliTest.run("explain", "-c", config.toString(), "--uid", "2");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(normalized(r.out())).containsSubsequence(
                "1. newsletters-read  no match",
                "     all of:                                  no",
                "       from: newsletter@shop.example          no   server: UID SEARCH FROM \"newsletter@shop.example\""
                        + "   <- decides",
                "       seen: false                            yes  flag table: (none)",
                "     flags    (none) (unchanged)",
                "2. invoices          MATCHED",
                "     all of:                                  yes",
                "       header_regex Subject: (?i)invoice \\d+  yes  header Subject: \"Invoice 2026 for you\", find"
                        + " /(?i)invoice \\d+/",
                "       not:                                   yes",
                "         keyword: Paid                        no   flag table: (none)",
                "     flags    (none)  ->  \\Flagged",
                "     actions  add_flags \\Flagged; copy_to Invoices",
                "     stop     yes: later rules do not see it",
                "3. old-newsletters   not seen: rule invoices matched it with stop: true",
                "4. everything-else   not seen: rule invoices matched it with stop: true",
                "",
                "Result: kept with flags \\Flagged, copied to Invoices",
                "A run would send:",
                "  UID STORE 2 +FLAGS.SILENT (\\Flagged)",
                "  UID COPY 2 Invoices");
    }

    @Test
    void aPaidInvoiceFailsTheSecondRuleOnItsKeywordAndTheThirdOnItsAge() {
        CliTest.Run r = CliTest.run("explain", "-c", config.toString(), "--uid", "3");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(normalized(r.out())).containsSubsequence(
                "2. invoices          no match",
                "     all of:                                  no",
                "       header_regex Subject: (?i)invoice \\d+  yes  header Subject: \"Invoice 7\", find"
                        + " /(?i)invoice \\d+/",
                "       not:                                   no      <- decides",
                "         keyword: Paid                        yes  flag table: \\Seen Paid",
                "     flags    \\Seen Paid (unchanged)",
                "     stop     yes (did not match)",
                "3. old-newsletters   no match",
                "     all of:                                  no",
                "       older_than: 365d                       no   INTERNALDATE T; now - 365d = T   <- decides",
                "       any of:                                no",
                "         keyword: $Newsletter                 no   flag table: \\Seen Paid",
                "         subject: digest                      no   server: UID SEARCH SUBJECT \"digest\"",
                "     flags    \\Seen Paid (unchanged)",
                "4. everything-else   MATCHED",
                "     all_messages: true                       yes  every message",
                "     flags    \\Seen Paid  ->  \\Seen Paid Seen-By-Mailtidy",
                "     actions  add_flags Seen-By-Mailtidy",
                "",
                "Result: kept with flags \\Seen Paid Seen-By-Mailtidy",
                "A run would send:",
                "  UID STORE 3 +FLAGS.SILENT (Seen-By-Mailtidy)");
    }

    @Test
    void aMessageThatIsNotThereExitsOneAndBadUsageTwo() {
        CliTest.Run missing = CliTest.run("explain", "-c", config.toString(), "--message-id", "<nope@test>");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no message with Message-ID <nope@test> in test INBOX");

        CliTest.Run noUid = CliTest.run("explain", "-c", config.toString(), "--uid", "99");
        assertThat(noUid.status()).isEqualTo(1);
        assertThat(noUid.err()).contains("no message with UID 99 in test INBOX");

        CliTest.Run both = CliTest.run("explain", "-c", config.toString(), "--uid", "1", "--message-id", "<x@y>");
        assertThat(both.status()).isEqualTo(2);
        CliTest.Run account = CliTest.run("explain", "-c", config.toString(), "--account", "nobody", "--uid", "1");
        assertThat(account.status()).isEqualTo(2);
        assertThat(account.err()).contains("--account nobody: no such account");
    }

    /** The output's lines with the UIDVALIDITY, size (the Date header) and times that depend on the moment replaced. */
    private static List<String> normalized(String out) {
        return out.replaceAll("UIDVALIDITY \\d+", "UIDVALIDITY V").replaceAll("(?m)^(  size +)\\d+", "$1N")
                .replaceAll("= \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "= T")
                .replaceAll("INTERNALDATE (?!2024-01-15T10:00:00Z)\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "INTERNALDATE T")
                .lines().toList();
    }
}
