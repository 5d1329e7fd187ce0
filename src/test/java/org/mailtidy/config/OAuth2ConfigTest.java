package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OAuth2ConfigTest {

    private static Config load(String accountBody) throws ConfigException {
        return ConfigLoader.load("version: 1\naccounts:\n  a:\n" + accountBody.indent(4) + "rules: []\n",
                Path.of("mailtidy.yaml"), Map.of());
    }

    @Test
    void aProviderFillsInHostPortTokenUrlAndScope() throws Exception {
        Account gmail = load("""
                username: alice@gmail.com
                auth: xoauth2
                oauth2: {provider: google, client_id: id, refresh_token_file: /var/lib/mailtidy/a.token}
                """).account("a");
        assertThat(gmail.host()).isEqualTo("imap.gmail.com");
        assertThat(gmail.port()).isEqualTo(993);
        assertThat(gmail.tls()).isEqualTo(Account.Tls.IMPLICIT);
        assertThat(gmail.oauth2().orElseThrow().tokenUrl()).contains("https://oauth2.googleapis.com/token");

        Account m365 = load("""
                username: bob@example.org
                auth: xoauth2
                oauth2: {provider: microsoft, client_id: id, refresh_token_file: /var/lib/mailtidy/b.token}
                """).account("a");
        assertThat(m365.host()).isEqualTo("outlook.office365.com");
        assertThat(OAuth2Provider.GOOGLE.deviceAuthorizationUrl()).as("Google's device flow lacks the Gmail scope").isEmpty();
        assertThat(OAuth2Provider.MICROSOFT.deviceAuthorizationUrl()).isPresent();
        assertThat(m365.oauth2().orElseThrow().scope())
                .contains("https://outlook.office.com/IMAP.AccessAsUser.All offline_access");
    }

    @Test
    void anExplicitHostWinsOverThePreset() throws Exception {
        Account a = load("""
                host: imap.other.example
                username: alice@gmail.com
                auth: oauthbearer
                oauth2: {provider: google, client_id: id, refresh_token: r}
                """).account("a");
        assertThat(a.host()).isEqualTo("imap.other.example");
        assertThat(a.auth()).isEqualTo(Account.AuthMechanism.OAUTHBEARER);
    }

    @Test
    void microsoftWithOauthbearerIsAnError() {
        assertThatThrownBy(() -> load("""
                username: bob@example.org
                auth: oauthbearer
                oauth2: {provider: microsoft, client_id: id, refresh_token: r}
                """)).hasMessageContaining(
                "mailtidy.yaml:5:11: accounts.a.auth: Microsoft 365 accepts only XOAUTH2 for IMAP; use auth: xoauth2");
    }

    @Test
    void plainHttpTokenUrlsAreAllowedOnlyToLoopback() throws Exception {
        Account local = load("""
                host: 127.0.0.1
                username: u
                auth: xoauth2
                oauth2: {token_url: 'http://127.0.0.1:8080/token', client_id: id, refresh_token: r}
                """).account("a");
        assertThat(local.oauth2().orElseThrow().tokenUrl()).isEqualTo(Optional.of("http://127.0.0.1:8080/token"));
        assertThatThrownBy(() -> load("""
                host: imap.example.org
                username: u
                auth: xoauth2
                oauth2: {token_url: 'http://login.example.org/token', client_id: id, refresh_token: r}
                """)).hasMessageContaining("mailtidy.yaml:7:25: accounts.a.oauth2.token_url: expected an https:// URL, got "
                + "\"http://login.example.org/token\"");
    }

    @Test
    void withoutProviderTheHostIsStillRequired() {
        assertThatThrownBy(() -> load("""
                username: u
                auth: xoauth2
                oauth2: {token_url: 'https://login.example.org/token', client_id: id, refresh_token: r}
                """)).hasMessageContaining("mailtidy.yaml:4:5: accounts.a: missing required key \"host\"");
    }
}
