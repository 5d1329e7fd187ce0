package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * Microsoft 365's short extension list, on Dovecot: every CAPABILITY the client sees is the one
 * Exchange Online announces (no CONDSTORE, QRESYNC, ESEARCH, WITHIN, SPECIAL-USE, ENABLE). The same
 * rules, run twice with a state directory, must leave the mailboxes exactly as on Dovecot with all
 * its extensions, and nothing on the wire may use an extension that was not announced.
 */
@Tag("dovecot")
class MicrosoftLikeDovecotIT {
    /** As outlook.office365.com announces it after login (XOAUTH2 is how mailtidy logs in there). */
    static final String MICROSOFT_365 = "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT"
            + " CHILDREN IDLE NAMESPACE LITERAL+";
    private static final Pattern UNTAGGED = Pattern.compile("(?i)^\\* CAPABILITY [^\\r\\n]*");
    private static final Pattern CODE = Pattern.compile("(?i)\\[CAPABILITY [^\\]]*\\]");
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final Instant NOW = Instant.now();
    private static final String RULES = """
            rules:
              - name: read-old
                match: {older_than: 30d, seen: false}
                add_flags: [\\Seen]
              - name: receipts
                match: {subject: receipt}
                add_flags: [Receipt]
                copy_to: Receipts
              - name: lists
                match: {header: {List-Id: dev.example}}
                move_to: Lists/dev
              - name: recent-invoices
                match: {subject: invoice, newer_than: 3d}
                add_flags: [\\Flagged]
              - name: purge-ads
                match: {from: ads@}
                delete: true
              - name: trash-spam
                match: {subject: spam}
                trash: true
            """;

    @TempDir
    Path dir;

    private static String newUser() {
        String user = DOVECOT.newUser("m365");
        DOVECOT.writeMaildir(user, "INBOX", List.of(
                message("old", "old note", 40),
                message("rcpt", "receipt 42", 2),
                message("old-rcpt", "receipt 7", 60),
                message("list", "dev digest", 1).withHeaders("List-Id: <dev.example>"),
                message("inv-new", "invoice 9", 1),
                message("inv-old", "invoice 3", 10),
                message("ad", "buy now", 5).withFrom("ads@shop.example"),
                message("spam", "spam spam", 0),
                message("seen-old", "old read", 50).withFlags("\\Seen")));
        DOVECOT.createMailbox(user, "Trash");
        return user;
    }

    private static TestMessage message(String id, String subject, int daysAgo) {
        return TestMessage.of(subject).withMessageId("<" + id + "@m365.test>")
                .withInternalDate(NOW.minus(Duration.ofDays(daysAgo)).minusSeconds(60));
    }

    static String microsoftCapabilities(String line) {
        String out = UNTAGGED.matcher(line).replaceFirst("* CAPABILITY " + MICROSOFT_365);
        return CODE.matcher(out).replaceAll("[CAPABILITY " + MICROSOFT_365 + "]");
    }

    private Map<String, Map<String, String>> runTwice(String user, int port) throws Exception {
        Config config = EndToEnd.dovecotConfig(DOVECOT, port, user, false, RULES);
        Optional<StateDir> state = Optional.of(new StateDir(dir.resolve(user)));
        for (int run = 0; run < 2; run++) {
            assertThat(EndToEnd.once(config, state)).allSatisfy(r -> assertThat(r.ok()).as("%s", r).isTrue());
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String mailbox : List.of("INBOX", "Receipts", "Lists/dev", "Trash")) {
            out.put(mailbox, EndToEnd.byMessageId(DOVECOT, user, mailbox));
        }
        return out;
    }

    @Test
    void withMicrosoftsExtensionsOnlyTheResultIsTheSameAndNoOtherExtensionIsUsed() throws Exception {
        Map<String, Map<String, String>> expected = runTwice(newUser(), DOVECOT.imapPort());
        String user = newUser();

        Map<String, Map<String, String>> actual;
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", DOVECOT.imapPort(), Set.of(),
                MicrosoftLikeDovecotIT::microsoftCapabilities)) {
            actual = runTwice(user, proxy.port());
        }

        assertThat(actual).isEqualTo(expected);
        assertThat(actual.get("Receipts")).containsOnlyKeys("<rcpt@m365.test>", "<old-rcpt@m365.test>");
        assertThat(actual.get("Lists/dev")).containsOnlyKeys("<list@m365.test>");
        assertThat(actual.get("Trash")).containsOnlyKeys("<spam@m365.test>");
        assertThat(actual.get("INBOX")).doesNotContainKeys("<ad@m365.test>", "<spam@m365.test>", "<list@m365.test>")
                .containsEntry("<inv-new@m365.test>", "[\\Flagged]")
                .containsEntry("<inv-old@m365.test>", "[]")
                .containsEntry("<old@m365.test>", "[\\Seen]");
        List<String> wire = DOVECOT.rawCommands(user);
        assertThat(wire).isNotEmpty().noneMatch(l -> l.matches(
                "(?i).*\\b(CONDSTORE|QRESYNC|UNCHANGEDSINCE|CHANGEDSINCE|MODSEQ|ENABLE|RETURN|ESEARCH|OLDER|YOUNGER"
                        + "|SPECIAL-USE)\\b.*"));
        assertThat(wire).anyMatch(l -> l.matches("(?i)\\S+ UID MOVE .*"))
                .anyMatch(l -> l.matches("(?i)\\S+ UID EXPUNGE .*"));
    }
}
