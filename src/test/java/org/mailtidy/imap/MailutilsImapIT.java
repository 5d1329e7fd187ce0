package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.mailtidy.testsupport.Mailutils;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * GNU Mailutils imap4d 3.15 with GSASL on (Debian's default) ends the OK after
 * {@code AUTHENTICATE PLAIN} with a bare LF: mailtidy logs in with it at once instead of waiting for
 * its read timeout.
 */
@Tag("mailutils")
class MailutilsImapIT {
    private final Mailutils mailutils = Mailutils.get();

    @Test
    void logsInWithAuthenticatePlainThoughTheReplyEndsInABareLf() throws Exception {
        String user = mailutils.newUser("bare-lf");
        mailutils.load(user, "INBOX", List.of(TestMessage.of("hello")));
        ConnectionSettings s = mailutils.settings(user);
        // A read timeout that a wait for the missing CR would hit, instead of the default 120 s.
        ConnectionSettings quick = new ConnectionSettings(s.host(), s.port(), s.security(), s.username(), s.secret(),
                s.mechanism(), s.caFile(), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (ImapConnection c = ImapConnection.connect(quick);
             SelectedMailbox box = c.select("INBOX", true)) {
            assertThat(c.capabilities()).contains("NAMESPACE").doesNotContain("UIDPLUS", "MOVE");
            assertThat(box.fetchTable().uids()).hasSize(1);
        }
        String transcript = Files.readString(mailutils.logFile());
        assertThat(transcript).containsPattern("C: \\S+ AUTHENTICATE PLAIN");
    }
}
