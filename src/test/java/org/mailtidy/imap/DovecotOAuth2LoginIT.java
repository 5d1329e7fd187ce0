package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FakeAuthorizationServer;
import org.mailtidy.testsupport.TestMessage;

/**
 * XOAUTH2 and OAUTHBEARER against a Dovecot whose oauth2 passdb asks a local introspection endpoint
 * about every token, so the server really validates what the client sends.
 */
@Tag("dovecot")
class DovecotOAuth2LoginIT {
    private static FakeAuthorizationServer auth;
    private static Dovecot dovecot;

    @BeforeAll
    static void start() {
        auth = FakeAuthorizationServer.shared();
        dovecot = Dovecot.withOAuth2(auth.introspectionUrl());
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionSettings.Mechanism.class, names = {"XOAUTH2", "OAUTHBEARER"})
    void logsInWithAValidTokenAndReadsTheMailbox(ConnectionSettings.Mechanism mechanism) throws Exception {
        String user = dovecot.newUser("oauth");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("hello")));
        String token = auth.accessToken(user, Duration.ofMinutes(5));
        int before = auth.introspections();
        try (ImapConnection c = ImapConnection.connect(settings(user, token, mechanism))) {
            assertThat(c.select("INBOX", true).exists()).isEqualTo(1);
        }
        assertThat(auth.introspections()).isGreaterThan(before);
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionSettings.Mechanism.class, names = {"XOAUTH2", "OAUTHBEARER"})
    void anExpiredTokenIsRefusedPromptlyWithoutTheTokenInTheMessage(ConnectionSettings.Mechanism mechanism) {
        String user = dovecot.newUser("oauth-exp");
        String token = auth.accessToken(user, Duration.ofMillis(1));
        // Dovecot sends an error challenge first (RFC 7628 section 3.2.2); a client that does not answer it hangs.
        assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                assertThatThrownBy(() -> ImapConnection.connect(settings(user, token, mechanism)))
                        .isInstanceOf(ImapException.AuthenticationFailed.class)
                        .hasMessageContaining("AUTHENTICATIONFAILED")
                        .hasMessageNotContaining(token));
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionSettings.Mechanism.class, names = {"XOAUTH2", "OAUTHBEARER"})
    void aTokenOfAnotherUserIsRefused(ConnectionSettings.Mechanism mechanism) {
        String alice = dovecot.newUser("oauth-a");
        String bob = dovecot.newUser("oauth-b");
        String bobsToken = auth.accessToken(bob, Duration.ofMinutes(5));
        assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                assertThatThrownBy(() -> ImapConnection.connect(settings(alice, bobsToken, mechanism)))
                        .isInstanceOf(ImapException.AuthenticationFailed.class));
    }

    private static ConnectionSettings settings(String user, String token, ConnectionSettings.Mechanism mechanism) {
        return dovecot.settings(user, ConnectionSettings.Security.IMPLICIT).withCaFile(dovecot.caFile())
                .withSecret(() -> token, mechanism);
    }
}
