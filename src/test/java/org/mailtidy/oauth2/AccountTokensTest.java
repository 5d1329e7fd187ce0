package org.mailtidy.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Account;
import org.mailtidy.config.SecretSource;
import org.mailtidy.testsupport.FakeAuthorizationServer;
import org.mailtidy.testsupport.MutableClock;

class AccountTokensTest {
    private static final TokenEndpoint.Settings FAST = new TokenEndpoint.Settings(Duration.ofSeconds(2),
            Duration.ofMillis(400), 3, Duration.ofMillis(50));
    @RegisterExtension
    static final FakeAuthorizationServer auth = FakeAuthorizationServer.start();
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @Test
    void keepsTheAccessTokenUntilShortlyBeforeExpiresInThenRefreshes() throws Exception {
        AccountTokens tokens = tokens(literal(auth.grant("u1", Duration.ofMinutes(10))), Optional.empty());
        int before = auth.tokenRequests();

        AccessToken first = tokens.get();
        clock.advance(Duration.ofSeconds(539));
        AccessToken again = tokens.get();
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(again.fromCache()).isTrue();
        assertThat(first.fromCache()).isFalse();
        assertThat(auth.tokenRequests() - before).isEqualTo(1);

        // 600 s lifetime, refreshed 60 s early
        clock.advance(Duration.ofSeconds(2));
        AccessToken next = tokens.get();
        assertThat(next.value()).isNotEqualTo(first.value());
        assertThat(next.fromCache()).isFalse();
        assertThat(auth.tokenRequests() - before).isEqualTo(2);
        assertThat(next.toString()).doesNotContain(next.value());
    }

    @Test
    void aRefusedCachedTokenIsDroppedAndWorthRefreshingButAFreshOneIsNot() throws Exception {
        AccountTokens tokens = tokens(literal(auth.grant("u2", Duration.ofMinutes(10))), Optional.empty());
        AccessToken fresh = tokens.get();
        assertThat(tokens.refused(fresh)).isFalse();
        AccessToken second = tokens.get();
        assertThat(second.value()).isNotEqualTo(fresh.value());
        AccessToken cached = tokens.get();
        assertThat(tokens.refused(cached)).isTrue();
        assertThat(tokens.get().value()).isNotEqualTo(cached.value());
    }

    @Test
    void aRotatedRefreshTokenIsWrittenBackAtomicallyWithMode0600() throws Exception {
        Path file = dir.resolve("alice.token");
        String original = auth.grant("alice", Duration.ofSeconds(30), Duration.ofSeconds(30), true);
        Files.writeString(file, original + "\n");
        AccountTokens tokens = tokens(new SecretSource.FromFile(file), Optional.of(file));

        tokens.get();
        String rotated = Files.readString(file).trim();
        assertThat(rotated).isNotEqualTo(original).startsWith("rt-");
        assertThat(auth.userOfRefreshToken(rotated)).isEqualTo("alice");
        assertThat(auth.userOfRefreshToken(original)).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }

        clock.advance(Duration.ofSeconds(30));
        tokens.get();
        assertThat(Files.readString(file).trim()).isNotEqualTo(rotated);
        assertThat(auth.userOfRefreshToken(Files.readString(file).trim())).isEqualTo("alice");
    }

    @Test
    void aRotatedLiteralRefreshTokenIsKeptInMemory() throws Exception {
        AccountTokens tokens = tokens(literal(auth.grant("bob", Duration.ofSeconds(30), Duration.ofSeconds(30), true)),
                Optional.empty());
        tokens.get();
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.get().fromCache()).isFalse();
    }

    @Test
    void aRevokedRefreshTokenIsAClearErrorThatBacksOffUntilANewTokenIsStored() throws Exception {
        Path file = dir.resolve("carol.token");
        String revoked = auth.grant("carol", Duration.ofMinutes(10));
        auth.revoke(revoked);
        Files.writeString(file, revoked + "\n");
        AccountTokens tokens = tokens(new SecretSource.FromFile(file), Optional.of(file));
        int before = auth.tokenRequests();

        assertThatThrownBy(tokens::get).isInstanceOfSatisfying(OAuth2Exception.class,
                e -> assertThat(e.kind()).isEqualTo(OAuth2Exception.Kind.REJECTED))
                .hasMessage("account acct: " + auth.tokenUrl() + " refused to refresh the access token: invalid_grant"
                        + " (Token has been expired or revoked.); the refresh token expired or was revoked; run"
                        + " `mailtidy oauth2 login --account acct` to get a new one");
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(tokens::get).hasMessageContaining("invalid_grant")
                .hasMessageContaining("not asked again before 2026-03-01T10:01:00Z");
        assertThat(auth.tokenRequests() - before).isEqualTo(1);

        Files.writeString(file, auth.grant("carol", Duration.ofMinutes(10)) + "\n");
        assertThat(tokens.get().value()).startsWith("at-");
        assertThat(auth.tokenRequests() - before).isEqualTo(2);
    }

    @Test
    void aMissingRefreshTokenFileSaysToRunLogin() {
        Path file = dir.resolve("missing.token");
        AccountTokens tokens = tokens(new SecretSource.FromFile(file), Optional.of(file));
        assertThatThrownBy(tokens::get).hasMessageContaining("cannot read the refresh token")
                .hasMessageEndingWith("run `mailtidy oauth2 login --account acct` to create it");
    }

    @Test
    void aWrongClientSecretIsReportedAsSuch() {
        Account.OAuth2 config = new Account.OAuth2(Optional.empty(), Optional.of(auth.tokenUrl().toString()),
                FakeAuthorizationServer.CLIENT_ID, Optional.of(new SecretSource.Literal("wrong-secret")),
                literal(auth.grant("dave", Duration.ofMinutes(1))), Optional.empty(), Optional.empty());
        AccountTokens tokens = new AccountTokens("acct", config, new TokenEndpoint(FAST), clock);
        assertThatThrownBy(tokens::get).hasMessageContaining("invalid_client")
                .hasMessageContaining("check client_id and client_secret of account acct")
                .hasMessageNotContaining("wrong-secret");
    }

    @Test
    void aTokenEndpointThatTimesOutIsAskedAgain() throws Exception {
        AccountTokens tokens = tokens(literal(auth.grant("erin", Duration.ofMinutes(10))), Optional.empty());
        int before = auth.tokenRequests();
        auth.delayNext(2, Duration.ofMillis(1500));
        assertThat(tokens.get().value()).startsWith("at-");
        assertThat(auth.tokenRequests() - before).isEqualTo(3);
    }

    @Test
    void aTokenEndpointThatNeverAnswersInTimeIsATemporaryFailure() {
        AccountTokens tokens = tokens(literal(auth.grant("fay", Duration.ofMinutes(10))), Optional.empty());
        auth.delayNext(3, Duration.ofMillis(1500));
        assertThatThrownBy(tokens::get).isInstanceOfSatisfying(OAuth2Exception.class,
                e -> assertThat(e.kind()).isEqualTo(OAuth2Exception.Kind.UNAVAILABLE))
                .hasMessage("the token endpoint " + auth.tokenUrl() + " failed 3 times (last: no answer within 400ms);"
                        + " mailtidy tries again at the next run");
    }

    private AccountTokens tokens(SecretSource refreshToken, Optional<Path> file) {
        Account.OAuth2 config = new Account.OAuth2(Optional.empty(), Optional.of(auth.tokenUrl().toString()),
                FakeAuthorizationServer.CLIENT_ID, Optional.of(new SecretSource.Literal(FakeAuthorizationServer.CLIENT_SECRET)),
                refreshToken, file, Optional.of("mail"));
        return new AccountTokens("acct", config, new TokenEndpoint(FAST), clock);
    }

    private static SecretSource literal(String token) {
        return new SecretSource.Literal(token);
    }
}
