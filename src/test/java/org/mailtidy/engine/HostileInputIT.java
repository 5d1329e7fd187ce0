package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * Odd and hostile data on the server side, end to end against Dovecot: UIDs at the top of the
 * 32-bit range, sparse UIDs, mailbox names with spaces, quotes, a backslash, {@code &} and
 * non-ASCII, broken and 8-bit header fields, no Message-ID, search strings with quotes, backslashes
 * and non-ASCII.
 */
@Tag("dovecot")
class HostileInputIT {
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final Instant DAY = Instant.parse("2026-03-03T10:00:00Z");
    private String user;

    @BeforeEach
    void newUser() {
        user = DOVECOT.newUser("hostile");
    }

    private Config config(String rules, String extra) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), DOVECOT.imapPort(), user, Dovecot.password(user))
                + extra + "rules:\n" + rules);
    }

    private Map<Long, String> flagsByUid(String mailbox) {
        Map<Long, String> out = new TreeMap<>();
        for (StoredMessage m : DOVECOT.fetch(user, mailbox)) {
            out.put(m.uid(), new java.util.TreeSet<>(m.flags()).toString());
        }
        return out;
    }

    private static TestMessage message(String subject) {
        return TestMessage.of(subject).withInternalDate(DAY);
    }

    @Test
    void uidsAtTheTopOfThe32BitRange() {
        DOVECOT.createMailbox(user, "Huge");
        DOVECOT.updateMailbox(user, "Huge", "--min-next-uid", "4294967290");
        DOVECOT.writeMaildir(user, "Huge", List.of(message("flag a"), message("flag b"), message("drop c"),
                message("move d"), message("keep e")));
        assertThat(flagsByUid("Huge")).containsOnlyKeys(4294967290L, 4294967291L, 4294967292L, 4294967293L,
                4294967294L);
        Config config = config("""
                  - name: flag
                    mailbox: Huge
                    match: {subject: flag}
                    add_flags: [\\Flagged]
                  - name: drop
                    mailbox: Huge
                    match: {subject: drop}
                    delete: true
                  - name: move
                    mailbox: Huge
                    match: {subject: move}
                    move_to: Moved
                """, "");

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);

        assertThat(flagsByUid("Huge")).containsOnly(Map.entry(4294967290L, "[\\Flagged]"),
                Map.entry(4294967291L, "[\\Flagged]"), Map.entry(4294967294L, "[]"));
        assertThat(DOVECOT.fetch(user, "Moved")).hasSize(1);
        assertThat(DOVECOT.rawCommands(user)).anyMatch(l -> l.matches("\\S+ UID STORE 4294967290:4294967291 .*"))
                .anyMatch(l -> l.matches("\\S+ UID EXPUNGE 4294967292"));
    }

    @Test
    void sparseUids() {
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("odd 1"), message("even 2"), message("odd 3"),
                message("even 4"), message("odd 5")));
        DOVECOT.expunge(user, "INBOX", 2);
        DOVECOT.expunge(user, "INBOX", 4);
        DOVECOT.updateMailbox(user, "INBOX", "--min-next-uid", "1000000");
        DOVECOT.append(user, "INBOX", message("odd 1000000").toBytes());
        Config config = config("""
                  - name: odd
                    match: {subject: odd}
                    add_flags: [Odd]
                """, "");

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);

        assertThat(flagsByUid("INBOX")).containsOnly(Map.entry(1L, "[Odd]"), Map.entry(3L, "[Odd]"),
                Map.entry(5L, "[Odd]"), Map.entry(1000000L, "[Odd]"));
        assertThat(DOVECOT.rawCommands(user)).anyMatch(l -> l.matches("\\S+ UID STORE 1,3,5,1000000 .*"));
    }

    @Test
    void mailboxNamesWithSpacesQuotesBackslashAmpersandAndNonAscii() {
        String source = "Projekte/Übersicht \"2026\" a\\b";
        String target = "Archiv/Straße & Co";
        DOVECOT.writeMaildir(user, source, List.of(message("report 1"), message("other 2")));
        Config config = config("""
                  - name: file
                    mailbox: 'Projekte/Übersicht "2026" a\\b'
                    match: {subject: report}
                    add_flags: [\\Seen]
                    move_to: 'Archiv/Straße & Co'
                  - name: wildcard
                    mailbox: 'Projekte/*'
                    match: {subject: other}
                    add_flags: [Seen-By-Wildcard]
                """, "");

        List<RunResult> results = EndToEnd.once(config);

        assertThat(results).allMatch(RunResult::ok).singleElement()
                .satisfies(r -> assertThat(r.mailbox()).isEqualTo(source));
        assertThat(DOVECOT.fetch(user, target)).singleElement()
                .satisfies(m -> assertThat(m.flags()).containsExactly("\\Seen"));
        assertThat(DOVECOT.fetch(user, source)).singleElement()
                .satisfies(m -> assertThat(m.flags()).containsExactly("Seen-By-Wildcard"));
    }

    @Test
    void brokenEncodingsEightBitHeadersAndNoMessageId(@TempDir Path dir) throws Exception {
        DOVECOT.writeMaildir(user, "INBOX", List.of(
                message("=?UTF-8?Q?broken=ZZ?= =?x-unknown?B?////?= =?UTF-8?B?!!!?=").withMessageId(null),
                message("Grüße aus Köln").withFrom("Jürgen <j@example.org>").withMessageId(null),
                message("plain").withHeaders("X-Odd: =?utf-8?q?=E2=82?=", "X-Folded: first\r\n\tsecond"),
                message("bait").withFrom("=?UTF-8?Q?J=C3=BCrgen?= <j@example.org>")));
        DOVECOT.append(user, "INBOX", latin1Message());
        Path audit = dir.resolve("audit.jsonl");
        Config config = config("""
                  - name: broken
                    match: {subject_regex: 'broken'}
                    add_flags: [Broken]
                  - name: cologne
                    match: {subject: 'Köln'}
                    add_flags: [Koeln]
                  - name: juergen
                    match: {from_regex: '^Jürgen '}
                    add_flags: [Juergen]
                  - name: headers
                    match: {header_regex: {X-Folded: 'first second'}}
                    add_flags: [Folded]
                  - name: latin
                    match: {subject_regex: 'caf'}
                    add_flags: [Latin]
                """, "audit:\n  file: " + audit + "\n");

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);

        assertThat(flagsByUid("INBOX")).containsOnly(Map.entry(1L, "[Broken]"), Map.entry(2L, "[Juergen, Koeln]"),
                Map.entry(3L, "[Folded]"), Map.entry(4L, "[Juergen]"), Map.entry(5L, "[Latin]"));
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).hasSize(6).anyMatch(l -> l.contains("\"uid\":1,\"message_id\":null"));
    }

    /** A header with raw ISO-8859-1 bytes, which are not UTF-8 (RFC 5322 forbids 8-bit headers; servers see them anyway). */
    private static byte[] latin1Message() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("From: x@example.org\r\nSubject: caf".getBytes(StandardCharsets.US_ASCII));
        out.write(0xE9);
        out.writeBytes(" cr\u00e8me\r\nMessage-ID: <latin1@hostile.test>\r\n\r\nbody\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void searchStringsWithQuotesBackslashesAndNonAscii() {
        DOVECOT.writeMaildir(user, "INBOX", List.of(message("say \"hi\" \\ now please"), message("say hi now"),
                message("say \"hi\" now"), message("Fußball-Ergebnis"), message("Fussball")));
        Config config = config("""
                  - name: quoted
                    match: {subject: 'say "hi" \\ now'}
                    add_flags: [Quoted]
                  - name: umlaut
                    match: {subject: 'fußball'}
                    add_flags: [Eszett]
                """, "");

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);

        assertThat(flagsByUid("INBOX")).containsOnly(Map.entry(1L, "[Quoted]"), Map.entry(2L, "[]"),
                Map.entry(3L, "[]"), Map.entry(4L, "[Eszett]"), Map.entry(5L, "[]"));
    }
}
