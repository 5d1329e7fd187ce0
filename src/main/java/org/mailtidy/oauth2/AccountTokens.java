package org.mailtidy.oauth2;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mailtidy.config.Account;
import org.mailtidy.config.SecretException;
import org.mailtidy.config.SecretSource;
import org.mailtidy.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access token of one account: refreshed at the token endpoint with the refresh token (RFC 6749
 * section 6), kept in memory until shortly before it expires, and dropped when the IMAP server
 * refuses it. A refresh token that the server rejects is not sent again until a back-off has passed
 * or the refresh token changed (for example after {@code mailtidy oauth2 login}).
 */
public final class AccountTokens {
    private static final Logger LOG = LoggerFactory.getLogger(AccountTokens.class);
    /** Refresh this long before expiry (at most a tenth of the lifetime), so a login never races it. */
    static final Duration EARLY = Duration.ofSeconds(60);
    static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final Duration SECRET_TIMEOUT = Duration.ofSeconds(30);

    private final String accountId;
    private final Account.OAuth2 config;
    private final URI tokenUrl;
    private final TokenEndpoint endpoint;
    private final Clock clock;
    private AccessToken current;
    /** A rotated refresh token that could not be saved (or has nowhere to go): used instead of the source. */
    private String unsavedRefreshToken;
    private Rejection rejection;

    private record Rejection(String refreshToken, OAuth2Exception error, Instant retryAt, Duration backoff) {
    }

    public AccountTokens(String accountId, Account.OAuth2 config, TokenEndpoint endpoint, Clock clock) {
        this.accountId = accountId;
        this.config = config;
        this.tokenUrl = URI.create(config.tokenUrl().orElseThrow(() -> new IllegalArgumentException(
                "account " + accountId + " has no token_url")));
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** A usable access token: the cached one, or a new one if it is missing or about to expire. */
    public synchronized AccessToken get() throws OAuth2Exception, InterruptedException {
        if (current != null && current.usableAt(clock.instant())) {
            return current.cached();
        }
        current = refresh();
        return current;
    }

    /**
     * The server refused {@code token}: forget it. Returns whether fetching a new token may help,
     * which is the case only for a token that came from the cache.
     */
    public synchronized boolean refused(AccessToken token) {
        if (current != null && current.value().equals(token.value())) {
            current = null;
        }
        return token.fromCache();
    }

    private AccessToken refresh() throws OAuth2Exception, InterruptedException {
        String refreshToken = refreshToken();
        Instant now = clock.instant();
        if (rejection != null && rejection.refreshToken().equals(refreshToken) && now.isBefore(rejection.retryAt())) {
            throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, rejection.error().getMessage()
                    + " [not asked again before " + rejection.retryAt() + "]");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", config.clientId());
        clientSecret().ifPresent(s -> form.put("client_secret", s));
        config.scope().ifPresent(s -> form.put("scope", s));
        TokenEndpoint.Answer answer = endpoint.post(tokenUrl, form);
        if (!answer.ok()) {
            throw rejected(refreshToken, answer, now);
        }
        rejection = null;
        String accessToken = answer.text("access_token").filter(t -> !t.isEmpty()).orElseThrow(() ->
                new OAuth2Exception(OAuth2Exception.Kind.FAILED, tokenUrl + " answered without an access_token"));
        Optional<Duration> lifetime = answer.text("expires_in").flatMap(AccountTokens::seconds);
        answer.text("refresh_token").filter(t -> !t.isEmpty() && !t.equals(refreshToken)).ifPresent(this::rotated);
        LOG.info("account {}: got a new access token from {}{}", accountId, tokenUrl,
                lifetime.map(d -> ", valid for " + d.toSeconds() + "s").orElse(""));
        return new AccessToken(accessToken, lifetime.map(d -> clock.instant().plus(d).minus(early(d))), false);
    }

    private OAuth2Exception rejected(String refreshToken, TokenEndpoint.Answer answer, Instant now) {
        boolean grantProblem = answer.status() == 400 || answer.status() == 401;
        String what = answer.describeError();
        String error = answer.text("error").orElse("");
        String advice = switch (error) {
            case "invalid_grant" -> "the refresh token expired or was revoked; run `mailtidy oauth2 login --account "
                    + accountId + "` to get a new one";
            case "invalid_client", "unauthorized_client" -> "check client_id and client_secret of account " + accountId;
            case "invalid_scope" -> "check the scope of account " + accountId;
            default -> "check the oauth2 block of account " + accountId;
        };
        OAuth2Exception e = new OAuth2Exception(grantProblem ? OAuth2Exception.Kind.REJECTED : OAuth2Exception.Kind.FAILED,
                "account " + accountId + ": " + tokenUrl + " refused to refresh the access token: " + what + "; " + advice);
        if (grantProblem) {
            Duration backoff = rejection != null && rejection.refreshToken().equals(refreshToken)
                    ? min(rejection.backoff().multipliedBy(2), MAX_BACKOFF) : FIRST_BACKOFF;
            rejection = new Rejection(refreshToken, e, now.plus(backoff), backoff);
        }
        return e;
    }

    private void rotated(String newRefreshToken) {
        Optional<java.nio.file.Path> file = config.refreshTokenFile();
        if (file.isEmpty()) {
            unsavedRefreshToken = newRefreshToken;
            LOG.warn("account {}: the authorization server issued a new refresh token, kept in memory only; use "
                    + "refresh_token_file so that it survives a restart", accountId);
            return;
        }
        try {
            RefreshTokenFile.write(file.get(), newRefreshToken);
            unsavedRefreshToken = null;
            LOG.info("account {}: the authorization server issued a new refresh token; saved it to {}", accountId,
                    file.get());
        } catch (OAuth2Exception e) {
            unsavedRefreshToken = newRefreshToken;
            LOG.error("account {}: {}; the new refresh token is kept in memory only, so after a restart you may "
                    + "have to run `mailtidy oauth2 login --account {}`", accountId, e.getMessage(), accountId);
        }
    }

    private String refreshToken() throws OAuth2Exception {
        if (unsavedRefreshToken != null) {
            return unsavedRefreshToken;
        }
        return read(config.refreshToken(), "refresh token");
    }

    private Optional<String> clientSecret() throws OAuth2Exception {
        return config.clientSecret().isEmpty() ? Optional.empty()
                : Optional.of(read(config.clientSecret().get(), "client secret"));
    }

    private String read(SecretSource source, String what) throws OAuth2Exception {
        try {
            return Secrets.read(source, SECRET_TIMEOUT);
        } catch (SecretException e) {
            String hint = what.equals("refresh token") && source.file().filter(f -> !java.nio.file.Files.exists(f))
                    .isPresent()
                    ? "; run `mailtidy oauth2 login --account " + accountId + "` to create it" : "";
            throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, "account " + accountId + ": cannot read the "
                    + what + ": " + e.getMessage() + hint);
        }
    }

    /** {@code expires_in} (RFC 6749 section 5.1): seconds, as a JSON number or, from some servers, a string. */
    private static Optional<Duration> seconds(String text) {
        try {
            long s = Long.parseLong(text.trim());
            return s > 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Duration early(Duration lifetime) {
        return min(EARLY, lifetime.dividedBy(10));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
