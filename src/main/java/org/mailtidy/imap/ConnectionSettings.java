package org.mailtidy.imap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Where and how to log in. The secret is a password or, for the OAuth2 mechanisms, an access
 * token; it is asked for at each connect and never kept, logged or shown by {@link #toString()}.
 *
 * @param masterUser a master (proxy) login: it authenticates with {@code secret}, and {@code
 *                   username} is the authorization id, the user whose mail is opened (AUTHENTICATE
 *                   PLAIN only, RFC 4616; {@link MasterLoginStore})
 */
public record ConnectionSettings(String host, int port, Security security, String username,
                                 Callable<String> secret, Mechanism mechanism, Optional<Path> caFile,
                                 Duration connectTimeout, Duration readTimeout, ServerLimits limits,
                                 Optional<String> masterUser) {

    public enum Security { IMPLICIT, STARTTLS, NONE }

    public enum Mechanism { LOGIN, XOAUTH2, OAUTHBEARER }

    public ConnectionSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(caFile, "caFile");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(masterUser, "masterUser");
        if (masterUser.isPresent() && mechanism != Mechanism.LOGIN) {
            throw new IllegalArgumentException("a master login is AUTHENTICATE PLAIN, not " + mechanism);
        }
    }

    /** Logging in as {@code username} itself. */
    public ConnectionSettings(String host, int port, Security security, String username, Callable<String> secret,
                              Mechanism mechanism, Optional<Path> caFile, Duration connectTimeout,
                              Duration readTimeout, ServerLimits limits) {
        this(host, port, security, username, secret, mechanism, caFile, connectTimeout, readTimeout, limits,
                Optional.empty());
    }

    /** With the default {@link ServerLimits}. */
    public ConnectionSettings(String host, int port, Security security, String username, Callable<String> secret,
                              Mechanism mechanism, Optional<Path> caFile, Duration connectTimeout,
                              Duration readTimeout) {
        this(host, port, security, username, secret, mechanism, caFile, connectTimeout, readTimeout,
                ServerLimits.DEFAULTS);
    }

    /** Plain LOGIN settings with the contract's default timeouts (30s connect, 120s read). */
    public static ConnectionSettings login(String host, int port, Security security, String username,
                                           String password) {
        return new ConnectionSettings(host, port, security, username, () -> password, Mechanism.LOGIN,
                Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    public ConnectionSettings withCaFile(Path ca) {
        return new ConnectionSettings(host, port, security, username, secret, mechanism, Optional.of(ca),
                connectTimeout, readTimeout, limits, masterUser);
    }

    public ConnectionSettings withHost(String otherHost) {
        return new ConnectionSettings(otherHost, port, security, username, secret, mechanism, caFile,
                connectTimeout, readTimeout, limits, masterUser);
    }

    public ConnectionSettings withSecret(Callable<String> otherSecret, Mechanism otherMechanism) {
        return new ConnectionSettings(host, port, security, username, otherSecret, otherMechanism, caFile,
                connectTimeout, readTimeout, limits, masterUser);
    }

    public ConnectionSettings withLimits(ServerLimits otherLimits) {
        return new ConnectionSettings(host, port, security, username, secret, mechanism, caFile, connectTimeout,
                readTimeout, otherLimits, masterUser);
    }

    /** {@code username} logging in through the master login {@code master}. */
    public ConnectionSettings withMasterUser(String master) {
        return new ConnectionSettings(host, port, security, username, secret, mechanism, caFile, connectTimeout,
                readTimeout, limits, Optional.of(master));
    }

    /** {@code user@host:port}, for messages; with a master login {@code user (via master M)@host:port}. */
    public String describe() {
        return username + masterUser.map(m -> " (via master " + m + ")").orElse("") + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "ConnectionSettings[" + describe() + ", " + security + ", " + mechanism + ", caFile=" + caFile
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", " + limits + "]";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
