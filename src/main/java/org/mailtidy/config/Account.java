package org.mailtidy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One IMAP account. The secret is a {@link SecretSource}, never the secret itself, so the record
 * can be printed and logged safely.
 *
 * @param masterUser for a user of a group ({@link AccountGroup}): the master (proxy) login that
 *                   authenticates, with {@code username} as the authorization id (SASL PLAIN, RFC
 *                   4616); {@code secret} is then the master's password
 */
public record Account(String id, String host, int port, Tls tls, String username, SecretSource secret,
                      AuthMechanism auth, Optional<OAuth2> oauth2, Optional<String> trashMailbox,
                      boolean allowPlaintext, Optional<Path> caFile, Duration connectTimeout,
                      Duration readTimeout, Limits limits, Optional<String> masterUser) {

    /** Logging in as itself. */
    public Account(String id, String host, int port, Tls tls, String username, SecretSource secret,
                   AuthMechanism auth, Optional<OAuth2> oauth2, Optional<String> trashMailbox,
                   boolean allowPlaintext, Optional<Path> caFile, Duration connectTimeout, Duration readTimeout,
                   Limits limits) {
        this(id, host, port, tls, username, secret, auth, oauth2, trashMailbox, allowPlaintext, caFile,
                connectTimeout, readTimeout, limits, Optional.empty());
    }

    /** With the default {@link Limits}. */
    public Account(String id, String host, int port, Tls tls, String username, SecretSource secret,
                   AuthMechanism auth, Optional<OAuth2> oauth2, Optional<String> trashMailbox,
                   boolean allowPlaintext, Optional<Path> caFile, Duration connectTimeout, Duration readTimeout) {
        this(id, host, port, tls, username, secret, auth, oauth2, trashMailbox, allowPlaintext, caFile,
                connectTimeout, readTimeout, Limits.DEFAULTS);
    }

    /** The same settings for another login through {@code master}, under the id {@code id}. */
    public Account asUser(String otherId, String login, String master) {
        return new Account(otherId, host, port, tls, login, secret, auth, oauth2, trashMailbox, allowPlaintext, caFile,
                connectTimeout, readTimeout, limits, Optional.of(master));
    }

    /** The group of a user of a group ({@code staff} of {@code staff/alice}). */
    public Optional<String> group() {
        int slash = id.indexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(id.substring(0, slash));
    }

    /**
     * What mailtidy accepts from the server (not in the contract; docs/configuration.md):
     * {@code command_timeout} for any one command however the bytes trickle in, {@code
     * login_timeout} from connecting until logged in, {@code max_message_size} for one message or
     * header block the server sends (literal), {@code max_messages} in one mailbox.
     */
    public record Limits(Duration commandTimeout, Duration loginTimeout, long maxMessageSize, long maxMessages) {
        public static final Limits DEFAULTS = new Limits(Duration.ofMinutes(5), Duration.ofSeconds(60), 50L << 20,
                2_000_000);
    }

    public enum Tls {
        IMPLICIT, STARTTLS, NONE
    }

    public enum AuthMechanism {
        /** LOGIN or AUTHENTICATE PLAIN, whichever the server offers. */
        LOGIN,
        XOAUTH2,
        /** RFC 7628. */
        OAUTHBEARER
    }

    /**
     * The {@code oauth2:} block. {@code provider} fills in {@code tokenUrl}; either is present.
     */
    public record OAuth2(Optional<String> provider, Optional<String> tokenUrl, String clientId,
                         Optional<SecretSource> clientSecret, SecretSource refreshToken,
                         Optional<Path> refreshTokenFile, Optional<String> scope) {
    }
}
