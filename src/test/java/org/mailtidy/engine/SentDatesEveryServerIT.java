package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.MailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sent_*} compares the Date: header's own calendar date, zone disregarded (RFC 3501), on
 * every server: Courier's SENT* searches convert to UTC first, so there mailtidy reads the Date:
 * header itself. Sizes likewise: {@code larger}/{@code smaller} compare RFC822.SIZE (CRLF), never
 * Courier's LF-based SMALLER/LARGER.
 */
@Tag("courier")
class SentDatesEveryServerIT {
    private static final String RULES = """
            rules:
              - name: sent-first-of-july
                match: {sent_on: 2025-07-01}
                add_flags: [$On]
              - name: sent-before-july-second
                match: {sent_before: 2025-07-02, subject: evening}
                add_flags: [$Before]
              - name: sent-since-july-second
                match: {sent_since: 2025-07-02}
                add_flags: [$Since]
              - name: big
                match: {larger: %d}
                add_flags: [$Big]
            """;

    static Stream<MailServer> servers() {
        return Stream.of(Dovecot.get(), Courier.get());
    }

    /** 2,000 lines: 2,000 bytes more with CRLF line ends than with LF. */
    private static final String BODY = "line of text\r\n".repeat(2_000);

    private static List<TestMessage> messages() {
        return List.of(
                TestMessage.of("evening").withMessageId("<evening@test>")
                        .withHeaders("Date: Tue, 1 Jul 2025 23:30:00 -0500"), // 2 Jul 04:30 UTC
                TestMessage.of("morning").withMessageId("<morning@test>")
                        .withHeaders("Date: Wed, 2 Jul 2025 01:15:00 +0200"), // 1 Jul 23:15 UTC
                TestMessage.of("long").withMessageId("<long@test>").withBody(BODY)
                        .withHeaders("Date: Sat, 5 Jul 2025 12:00:00 +0000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aSentRuleMeansTheSameOnEveryServer(MailServer server) {
        String user = server.newUser("sent");
        List<TestMessage> messages = messages();
        server.load(user, "INBOX", messages);
        int crlfSize = messages.get(2).toBytes().length;
        // between the size with LF line ends and with CRLF: only RFC822.SIZE says "larger"
        List<RunResult> results = EndToEnd.once(EndToEnd.serverConfig(server, user,
                RULES.formatted(crlfSize - 1_000)));

        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        List<StoredMessage> inbox = server.fetch(user, "INBOX");
        assertThat(inbox.get(0).flags()).containsExactlyInAnyOrder("$On", "$Before");
        assertThat(inbox.get(1).flags()).containsExactlyInAnyOrder("$Since");
        assertThat(inbox.get(2).flags()).containsExactlyInAnyOrder("$Since", "$Big");
    }

    @Test
    void courierItselfComparesTheUtcDate() throws Exception {
        Courier courier = Courier.get();
        String user = courier.newUser("sent-raw");
        courier.load(user, "INBOX", messages());
        try (ImapConnection c = ImapConnection.connect(courier.settings(user));
             SelectedMailbox box = c.select("INBOX", true)) {
            assertThat(c.sentDatesInUtc()).isTrue();
            long[] uids = box.fetchTable().uids();
            // RFC 3501 would give the evening message (1 Jul in its own zone); Courier gives the morning one
            assertThat(box.uidSearch(List.of(new SearchArg.Atom("SENTON"), new SearchArg.Atom("1-Jul-2025")), false))
                    .containsExactly(uids[1]);
        }
    }

    @Test
    void dovecotIsNotTakenForCourier() throws Exception {
        Dovecot dovecot = Dovecot.get();
        String user = dovecot.newUser("sent-dovecot");
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user))) {
            assertThat(c.sentDatesInUtc()).isFalse();
        }
    }
}
