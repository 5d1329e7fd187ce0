package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.imap.ConnectionSettings.Security;
import org.mailtidy.testsupport.Dovecot;
import org.slf4j.LoggerFactory;

/** Logins, TLS verification and trace redaction against Dovecot with its test CA. */
@Tag("dovecot")
class DovecotConnectIT {
    private final Dovecot dovecot = Dovecot.get();
    private String user;

    @BeforeEach
    void newUser() {
        user = dovecot.newUser("tls");
    }

    @Test
    void plainLogin() throws Exception {
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user, Security.NONE))) {
            assertThat(c.hasCapability("UIDPLUS")).isTrue();
            assertThat(c.hasCapability("ESEARCH")).isTrue();
        }
    }

    @Test
    void implicitTlsVerifiedWithTheCaFile() throws Exception {
        try (ImapConnection c = ImapConnection.connect(
                dovecot.settings(user, Security.IMPLICIT).withCaFile(dovecot.caFile()))) {
            assertThat(c.select("INBOX", true).uidValidity()).isPositive();
        }
    }

    @Test
    void startTlsVerifiedWithTheCaFile() throws Exception {
        try (ImapConnection c = ImapConnection.connect(
                dovecot.settings(user, Security.STARTTLS).withCaFile(dovecot.caFile()))) {
            assertThat(c.isAlive()).isTrue();
            assertThat(c.hasCapability("STARTTLS")).isFalse();
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> ImapConnection.connect(dovecot.settings(user, Security.IMPLICIT)))
                .isInstanceOf(ImapException.TlsFailure.class)
                .hasMessageContaining("certificate is not trusted").hasMessageContaining("ca_file");
        assertThatThrownBy(() -> ImapConnection.connect(dovecot.settings(user, Security.STARTTLS)))
                .isInstanceOf(ImapException.TlsFailure.class)
                .hasMessageContaining("certificate is not trusted");
    }

    @Test
    void aCertificateForAnotherHostNameIsRefused() {
        ConnectionSettings wrongHost = dovecot.settings(user, Security.IMPLICIT).withCaFile(dovecot.caFile())
                .withHost("127.0.0.2");
        assertThatThrownBy(() -> ImapConnection.connect(wrongHost))
                .isInstanceOf(ImapException.TlsFailure.class)
                .hasMessageContaining("does not match the host name");
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorWithoutThePassword() {
        String wrong = "NotThePassword-913";
        ConnectionSettings s = ConnectionSettings.login(dovecot.host(), dovecot.imapPort(), Security.NONE, user, wrong);
        assertThatThrownBy(() -> ImapConnection.connect(s))
                .isInstanceOf(ImapException.AuthenticationFailed.class)
                .hasMessageContaining("refused the credentials")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void protocolTraceReachesSlf4jWithoutTheCredentials() throws Exception {
        Logger trace = (Logger) LoggerFactory.getLogger("org.eclipse.angus.mail.imap.protocol");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        trace.addAppender(events);
        Level before = trace.getLevel();
        trace.setLevel(Level.TRACE);
        try {
            ImapLogging.install();
            try (ImapConnection c = ImapConnection.connect(dovecot.settings(user, Security.NONE))) {
                c.select("INBOX", false);
            }
        } finally {
            trace.setLevel(before);
            trace.detachAppender(events);
            ImapLogging.install();
        }
        String all = String.join("\n", events.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(all).contains("SELECT INBOX");
        String encodedPlain = java.util.Base64.getEncoder().encodeToString(
                ("\0" + user + "\0" + Dovecot.password(user)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(all).doesNotContain(Dovecot.password(user)).doesNotContain(encodedPlain);
    }
}
