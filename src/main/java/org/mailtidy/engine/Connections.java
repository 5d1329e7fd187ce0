package org.mailtidy.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.mailtidy.config.Account;
import org.mailtidy.config.Secrets;
import org.mailtidy.imap.ConnectionSettings;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ServerLimits;
import org.mailtidy.oauth2.AccessToken;
import org.mailtidy.oauth2.AccountTokens;
import org.mailtidy.oauth2.OAuth2Exception;
import org.mailtidy.oauth2.OAuth2Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens IMAP connections for configured accounts; the secret is read only now, at connect time. An
 * account with an {@code oauth2} block logs in with an access token that {@link OAuth2Tokens} keeps
 * fresh; if the server refuses a cached token, it is refreshed and the login tried once more.
 */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** How long a {@code password_command} may take. */
    static final Duration SECRET_TIMEOUT = Duration.ofSeconds(30);

    private Connections() {
    }

    public static ImapConnection open(Account account) throws ImapException {
        return open(account, OAuth2Tokens.shared());
    }

    public static ImapConnection open(Account account, OAuth2Tokens tokens) throws ImapException {
        if (account.oauth2().isEmpty()) {
            return ImapConnection.connect(settings(account, () -> Secrets.read(account.secret(), SECRET_TIMEOUT)));
        }
        AccountTokens accountTokens = tokens.forAccount(account);
        AccessToken token = accessToken(account, accountTokens);
        try {
            return ImapConnection.connect(settings(account, token::value));
        } catch (ImapException.AuthenticationFailed e) {
            if (isTemporary(e)) {
                throw e;
            }
            if (!accountTokens.refused(token)) {
                throw freshTokenRefused(account, e);
            }
            LOG.info("{}: the server refused the cached access token; getting a new one", account.id());
        }
        AccessToken fresh = accessToken(account, accountTokens);
        try {
            return ImapConnection.connect(settings(account, fresh::value));
        } catch (ImapException.AuthenticationFailed e) {
            accountTokens.refused(fresh);
            throw isTemporary(e) ? e : freshTokenRefused(account, e);
        }
    }

    static ConnectionSettings settings(Account a, Callable<String> secret) {
        return new ConnectionSettings(a.host(), a.port(), security(a.tls()), a.username(), secret,
                mechanism(a.auth()), a.caFile(), a.connectTimeout(), a.readTimeout(), limits(a.limits()),
                a.masterUser());
    }

    static ServerLimits limits(Account.Limits l) {
        return ServerLimits.DEFAULTS.withMaxLiteral(l.maxMessageSize()).withMaxMessages(l.maxMessages())
                .withTimeouts(l.commandTimeout(), l.loginTimeout());
    }

    private static AccessToken accessToken(Account account, AccountTokens tokens) throws ImapException {
        try {
            return tokens.get();
        } catch (OAuth2Exception e) {
            if (e.kind() == OAuth2Exception.Kind.UNAVAILABLE) {
                throw new ImapException.ConnectionLost(e.getMessage(), null);
            }
            throw new ImapException.AuthenticationFailed(e.getMessage(), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImapException.ConnectionLost(account.id() + ": interrupted while getting an access token", null);
        }
    }

    private static ImapException freshTokenRefused(Account account, ImapException e) {
        return new ImapException.AuthenticationFailed(account.id() + ": " + e.getMessage() + "; the access token was"
                + " new, so check that username is the mailbox's address, that the scope allows IMAP and that IMAP"
                + " access is enabled for the mailbox", e.serverResponse(), null);
    }

    /** RFC 5530 {@code [UNAVAILABLE]}: the server could not check the token now; a new token would not help. */
    private static boolean isTemporary(ImapException e) {
        return e.serverResponse() != null && e.serverResponse().contains("[UNAVAILABLE]");
    }

    private static ConnectionSettings.Security security(Account.Tls tls) {
        return switch (tls) {
            case IMPLICIT -> ConnectionSettings.Security.IMPLICIT;
            case STARTTLS -> ConnectionSettings.Security.STARTTLS;
            case NONE -> ConnectionSettings.Security.NONE;
        };
    }

    private static ConnectionSettings.Mechanism mechanism(Account.AuthMechanism m) {
        return switch (m) {
            case LOGIN -> ConnectionSettings.Mechanism.LOGIN;
            case XOAUTH2 -> ConnectionSettings.Mechanism.XOAUTH2;
            case OAUTHBEARER -> ConnectionSettings.Mechanism.OAUTHBEARER;
        };
    }
}
