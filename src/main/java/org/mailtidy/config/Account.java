package org.mailtidy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One IMAP account. The secret is a {@link SecretSource}, never the secret itself, so the record
 * can be printed and logged safely.
 */
public record Account(String id, String host, int port, Tls tls, String username, SecretSource secret,
                      AuthMechanism auth, Optional<OAuth2> oauth2, Optional<String> trashMailbox,
                      boolean allowPlaintext, Optional<Path> caFile, Duration connectTimeout,
                      Duration readTimeout, Limits limits) {

    /** With the default {@link Limits}. */
    public Account(String id, String host, int port, Tls tls, String username, SecretSource secret,
                   AuthMechanism auth, Optional<OAuth2> oauth2, Optional<String> trashMailbox,
                   boolean allowPlaintext, Optional<Path> caFile, Duration connectTimeout, Duration readTimeout) {
        this(id, host, port, tls, username, secret, auth, oauth2, trashMailbox, allowPlaintext, caFile,
                connectTimeout, readTimeout, Limits.DEFAULTS);
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
