package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLSession;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TLS against the private Dovecot: the protocol the JDK negotiates, and a reconnect (the daemon's,
 * after a dropped connection) resuming the session of the connection before it instead of a full
 * handshake, because every connection with the same CA file shares one SSLContext.
 */
@Tag("dovecot")
class TlsResumptionDovecotIT {
    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aReconnectResumesTheTlsSession() throws Exception {
        String user = dovecot.newUser("tls-resume");
        for (ConnectionSettings.Security security : new ConnectionSettings.Security[] {
                ConnectionSettings.Security.IMPLICIT, ConnectionSettings.Security.STARTTLS}) {
            ConnectionSettings settings = dovecot.settings(user, security).withCaFile(dovecot.caFile());
            SSLSession first;
            try (ImapConnection c = ImapConnection.connect(settings)) {
                first = c.tlsSession().orElseThrow();
            }
            long fullHandshakes = TlsTrust.FULL_HANDSHAKES.get();
            SSLSession second;
            try (ImapConnection c = ImapConnection.connect(settings)) {
                second = c.tlsSession().orElseThrow();
            }
            long reconnectHandshakes = TlsTrust.FULL_HANDSHAKES.get() - fullHandshakes;
            // what the JDK 17 negotiates with Dovecot 2.3 / OpenSSL 3: TLS 1.3, TLS_AES_256_GCM_SHA384
            assertThat(first.getProtocol()).as(security.toString()).isEqualTo("TLSv1.3");
            assertThat(second.getProtocol()).isEqualTo("TLSv1.3");
            // resumed (RFC 8446 section 2.2): no certificate was checked, the session dates from the first
            assertThat(reconnectHandshakes).as(security + ": full handshakes of the reconnect").isZero();
            assertThat(second.getCreationTime()).isEqualTo(first.getCreationTime());
        }
    }
}
