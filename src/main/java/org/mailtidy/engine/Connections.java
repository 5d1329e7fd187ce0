package org.mailtidy.engine;

import java.time.Duration;
import org.mailtidy.config.Account;
import org.mailtidy.config.Secrets;
import org.mailtidy.imap.ConnectionSettings;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;

/** Opens IMAP connections for configured accounts; the secret is read only now, at connect time. */
public final class Connections {
    /** How long a {@code password_command} may take. */
    static final Duration SECRET_TIMEOUT = Duration.ofSeconds(30);

    private Connections() {
    }

    public static ImapConnection open(Account account) throws ImapException {
        return ImapConnection.connect(settings(account));
    }

    static ConnectionSettings settings(Account a) {
        return new ConnectionSettings(a.host(), a.port(), security(a.tls()), a.username(),
                () -> Secrets.read(a.secret(), SECRET_TIMEOUT), mechanism(a.auth()), a.caFile(), a.connectTimeout(),
                a.readTimeout());
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
