package org.mailtidy.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.mailtidy.config.Cluster;
import org.mailtidy.config.SecretException;
import org.mailtidy.config.Secrets;

/**
 * The PostgreSQL database of {@code cluster:}. The password is read once, when the node starts;
 * it is handed to the JDBC driver and Quartz's pool, never logged.
 */
public final class ClusterDatabase {
    /** Bounds every wait on the database, so a database that hangs looks like one that is down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final String username;
    private final String password;

    ClusterDatabase(String url, String username, String password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** {@code cluster.password()} may be null: a database that needs no password (trust, peer, certificates). */
    public static ClusterDatabase of(Cluster cluster) throws ClusterException {
        try {
            return new ClusterDatabase(cluster.jdbcUrl(), cluster.username(), cluster.password() == null ? null
                    : Secrets.read(cluster.password(), Duration.ofSeconds(30)));
        } catch (SecretException e) {
            throw new ClusterException("cluster: cannot read the database password: " + e.getMessage(), e);
        }
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    /** A new connection (auto-commit on). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, driverProperties());
    }

    Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("user", username);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "mailtidy");
        return p;
    }

    /**
     * Quartz's data source {@code name} on this database: Quartz's HikariCP provider with the same
     * timeouts (added to the URL unless it sets them itself), waiting at most the connect timeout
     * for a pooled connection.
     */
    public Properties quartzDataSource(String name, int maxConnections) {
        String prefix = "org.quartz.dataSource." + name + ".";
        Properties p = new Properties();
        p.setProperty(prefix + "provider", "hikaricp");
        p.setProperty(prefix + "driver", "org.postgresql.Driver");
        p.setProperty(prefix + "URL", urlWithTimeouts());
        p.setProperty(prefix + "user", username);
        if (password != null) {
            p.setProperty(prefix + "password", password);
        }
        p.setProperty(prefix + "maxConnections", Integer.toString(maxConnections));
        p.setProperty(prefix + "connectionTimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        p.setProperty(prefix + "poolName", "mailtidy-quartz");
        return p;
    }

    String urlWithTimeouts() {
        StringBuilder sb = new StringBuilder(url);
        driverProperties().forEach((k, v) -> {
            if (!k.equals("user") && !k.equals("password") && !url.matches("(?s).*[?&]" + k + "=.*")) {
                sb.append(sb.indexOf("?") < 0 ? '?' : '&').append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    /** The URL without any password it carries, for logs and {@code /status}. */
    public String displayUrl() {
        return Cluster.displayUrl(url);
    }

    @Override
    public String toString() {
        return displayUrl() + " as " + username;
    }
}
