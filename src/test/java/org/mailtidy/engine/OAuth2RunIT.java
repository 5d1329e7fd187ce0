package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.oauth2.OAuth2Tokens;
import org.mailtidy.oauth2.TokenEndpoint;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FakeAuthorizationServer;
import org.mailtidy.testsupport.MutableClock;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.slf4j.LoggerFactory;

/**
 * {@code once} passes of OAuth2 accounts against a Dovecot that checks each token at the local
 * introspection endpoint: token expiry, a token the server stops accepting early, and a revoked
 * refresh token next to a healthy account. Nothing that was issued may appear in any log line.
 */
@Tag("dovecot")
class OAuth2RunIT {
    private static FakeAuthorizationServer auth;
    private static Dovecot dovecot;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level previousLevel;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        auth = FakeAuthorizationServer.shared();
        dovecot = Dovecot.withOAuth2(auth.introspectionUrl());
    }

    @BeforeEach
    void captureLogs() {
        Logger mailtidy = (Logger) LoggerFactory.getLogger("org.mailtidy");
        previousLevel = mailtidy.getLevel();
        mailtidy.setLevel(Level.DEBUG);
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void noTokenOrSecretWasLogged() {
        root().detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("org.mailtidy")).setLevel(previousLevel);
        assertThat(logs.list).isNotEmpty();
        List<String> secrets = new ArrayList<>(auth.issuedTokens());
        secrets.add(FakeAuthorizationServer.CLIENT_SECRET);
        for (ILoggingEvent e : logs.list) {
            String text = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertThat(text).as("log line").doesNotContain(secret);
            }
        }
    }

    @Test
    void aPassAfterTheAccessTokenExpiredRefreshesItTransparently() throws Exception {
        String user = dovecot.newUser("exp");
        Path tokenFile = tokenFile(user, auth.grant(user, Duration.ofMinutes(10), Duration.ofMinutes(10), true));
        Config config = config(Map.of("alice", user), Map.of("alice", tokenFile), "xoauth2");
        MutableClock clock = new MutableClock();
        OAuth2Tokens tokens = tokens(clock);
        int before = auth.tokenRequests();

        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("hello one")));
        assertThat(pass(config, tokens)).allMatch(RunResult::ok);
        assertThat(auth.tokenRequests() - before).isEqualTo(1);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        dovecot.append(user, "INBOX", TestMessage.of("hello two").toBytes());
        assertThat(pass(config, tokens)).allMatch(RunResult::ok);
        assertThat(auth.tokenRequests() - before).as("one refresh per expired token").isEqualTo(2);
        assertThat(dovecot.fetch(user, "INBOX")).hasSize(2).extracting(StoredMessage::flags)
                .allSatisfy(f -> assertThat(f).contains("\\Flagged"));
        assertThat(auth.userOfRefreshToken(Files.readString(tokenFile).trim())).as("rotated token saved")
                .isEqualTo(user);
    }

    @Test
    void aCachedTokenThatTheServerStopsAcceptingEarlyIsRefreshedAndTheLoginRepeated() throws Exception {
        String user = dovecot.newUser("early");
        Path tokenFile = tokenFile(user, auth.grant(user, Duration.ofHours(1)));
        Config config = config(Map.of("bob", user), Map.of("bob", tokenFile), "oauthbearer");
        OAuth2Tokens tokens = tokens(new MutableClock());
        int before = auth.tokenRequests();
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("hello")));

        assertThat(pass(config, tokens)).allMatch(RunResult::ok);
        // the answer claimed an hour and this client's clock stands still, but the provider ends the session
        auth.endSessionsOf(user);
        assertThat(pass(config, tokens)).allMatch(RunResult::ok);
        assertThat(auth.tokenRequests() - before).isEqualTo(2);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("bob: the server refused the cached access token; getting a new one");
    }

    @Test
    void aRevokedRefreshTokenFailsThatAccountOnlyWithAClearError() throws Exception {
        String carol = dovecot.newUser("revoked");
        String dave = dovecot.newUser("healthy");
        String carolsGrant = auth.grant(carol, Duration.ofMinutes(10));
        Config config = config(Map.of("carol", carol, "dave", dave),
                Map.of("carol", tokenFile(carol, carolsGrant),
                        "dave", tokenFile(dave, auth.grant(dave, Duration.ofMinutes(10)))), "xoauth2");
        dovecot.writeMaildir(carol, "INBOX", List.of(TestMessage.of("hello")));
        dovecot.writeMaildir(dave, "INBOX", List.of(TestMessage.of("hello")));
        OAuth2Tokens tokens = tokens(Clock.systemUTC());
        assertThat(pass(config, tokens)).allMatch(RunResult::ok);

        auth.revoke(carolsGrant);
        dovecot.append(dave, "INBOX", TestMessage.of("hello again").toBytes());
        int before = auth.tokenRequests();
        List<RunResult> results = pass(config, tokens);

        assertThat(results).filteredOn(r -> r.account().equals("dave")).singleElement()
                .satisfies(r -> assertThat(r.ok()).isTrue());
        assertThat(results).filteredOn(r -> r.account().equals("carol")).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.error().orElseThrow()).isEqualTo("account carol: " + auth.tokenUrl() + " refused to refresh"
                    + " the access token: invalid_grant (Token has been expired or revoked.); the refresh token"
                    + " expired or was revoked; run `mailtidy oauth2 login --account carol` to get a new one");
        });
        assertThat(auth.tokenRequests() - before).as("carol's cached token refused, one refresh attempt").isEqualTo(1);
        assertThat(dovecot.fetch(dave, "INBOX")).hasSize(2).extracting(StoredMessage::flags)
                .allSatisfy(f -> assertThat(f).contains("\\Flagged"));

        List<RunResult> again = pass(config, tokens);
        assertThat(again).filteredOn(r -> r.account().equals("carol")).singleElement()
                .satisfies(r -> assertThat(r.error().orElseThrow()).contains("not asked again before"));
        assertThat(again).filteredOn(r -> r.account().equals("dave")).allMatch(RunResult::ok);
        assertThat(auth.tokenRequests() - before).as("backing off: no new request for carol").isEqualTo(1);
    }

    private static List<RunResult> pass(Config config, OAuth2Tokens tokens) throws InterruptedException {
        RunSettings settings = RunSettings.from(config, false, Optional.empty(), Optional.empty());
        return new OncePass(config, settings, a -> Connections.open(a, tokens))
                .run(OncePass.selectRules(config, List.of(), null));
    }

    private static OAuth2Tokens tokens(Clock clock) {
        return new OAuth2Tokens(new TokenEndpoint(new TokenEndpoint.Settings(Duration.ofSeconds(2),
                Duration.ofSeconds(5), 2, Duration.ofMillis(100))), clock);
    }

    private Path tokenFile(String user, String refreshToken) throws Exception {
        Path file = dir.resolve(user + ".token");
        Files.writeString(file, refreshToken + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Config config(Map<String, String> users, Map<String, Path> tokenFiles, String mechanism)
            throws Exception {
        StringBuilder yaml = new StringBuilder("version: 1\naccounts:\n");
        for (var e : new TreeMap<>(users).entrySet()) {
            yaml.append("""
                      %s:
                        host: 127.0.0.1
                        port: %d
                        username: %s
                        ca_file: %s
                        auth: %s
                        oauth2:
                          token_url: %s
                          client_id: %s
                          client_secret: %s
                          refresh_token_file: %s
                          scope: mail
                    """.formatted(e.getKey(), dovecot.imapsPort(), e.getValue(), dovecot.caFile(), mechanism,
                    auth.tokenUrl(), FakeAuthorizationServer.CLIENT_ID, FakeAuthorizationServer.CLIENT_SECRET,
                    tokenFiles.get(e.getKey())));
        }
        yaml.append("rules:\n");
        for (String account : new TreeMap<>(users).keySet()) {
            yaml.append("""
                      - name: flag-hello-%1$s
                        account: %1$s
                        schedule: every 15m
                        match: {subject: hello}
                        add_flags: ['\\Flagged']
                    """.formatted(account));
        }
        Path file = dir.resolve("mailtidy.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
