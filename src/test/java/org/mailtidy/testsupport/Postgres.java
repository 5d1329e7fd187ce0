package org.mailtidy.testsupport;

import static org.mailtidy.testsupport.ServerProcesses.deleteRecursively;
import static org.mailtidy.testsupport.ServerProcesses.freePort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for tests, created with {@code initdb} under {@code target/postgres/}
 * and started once per test JVM on a free loopback port (TCP only, no Unix socket); stopped by a
 * shutdown hook. PostgreSQL refuses to run as root: as root the server runs as the
 * {@code postgres} system user (the Debian package creates it), else as the current user.
 * Each test gets its own database ({@link #newDatabase}), owned by the role {@value #USER}.
 */
public final class Postgres {
    public static final String USER = "mailtidy";
    public static final String PASSWORD = "pw-mailtidy";
    private static final String SUPERUSER_PASSWORD = "pw-postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Postgres instance;

    private final Path bin;
    private final Path home;
    private final Path data;
    private final int port;
    private final String osUser;

    private Postgres(Path bin, Path home, int port, String osUser) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.port = port;
        this.osUser = osUser;
    }

    /** The shared instance; started on first call. Fails (never skips) when PostgreSQL is missing. */
    public static synchronized Postgres get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    public int port() {
        return port;
    }

    /** A fresh, empty database owned by {@value #USER}; returns its JDBC URL. */
    public String newDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet())
                .replaceAll("[^a-z0-9_]", "_");
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection as {@value #USER}. */
    public static Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, USER, PASSWORD);
    }

    /**
     * Turns TLS on with this PEM certificate and key, or off ({@code null}), without a restart:
     * PostgreSQL reloads its SSL settings on {@code pg_reload_conf()}. Plain connections work
     * either way (the test pg_hba.conf accepts both). Returns once the setting is in force.
     */
    public synchronized void tls(Path certificate, Path key) {
        try {
            if (certificate != null) {
                Files.copy(certificate, data.resolve("server.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(key, data.resolve("server.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(data.resolve("server.key"),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                if (osUser != null) {
                    run(List.of("chown", osUser, data.resolve("server.crt").toString(),
                            data.resolve("server.key").toString()));
                }
            }
            try (Connection c = superuser(); Statement s = c.createStatement()) {
                s.execute(certificate != null ? "ALTER SYSTEM SET ssl = on" : "ALTER SYSTEM RESET ssl");
                s.execute("SELECT pg_reload_conf()");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try (Connection c = superuser(); Statement s = c.createStatement();
                     java.sql.ResultSet rs = s.executeQuery("SHOW ssl")) {
                    rs.next();
                    if (rs.getString(1).equals(certificate != null ? "on" : "off")) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not take the ssl setting; see "
                            + home.resolve("postgres.log"));
                }
                Thread.sleep(50);
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("PostgreSQL TLS: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the server as if the database went away: SIGINT to the postmaster (PostgreSQL's fast
     * shutdown, which ends every session at once), then waits until it is gone.
     */
    public void stop() {
        try {
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            run(List.of("kill", "-INT", pid));
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> h.onExit().join());
        } catch (IOException e) {
            throw new IllegalStateException("stopping PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Starts it again after {@link #stop()}, with the same data. */
    public void restart() {
        pgCtl("-l", home.resolve("postgres.log").toString(), "-o", serverOptions(), "start");
    }

    private static Postgres start() throws IOException, SQLException {
        Path bin = findBin();
        Path home = Path.of("target", "postgres").toAbsolutePath();
        stopLeftover(bin, home.resolve("data"));
        deleteRecursively(home);
        Files.createDirectories(home);
        String osUser = isRoot() ? "postgres" : null;
        Postgres pg = new Postgres(bin, home, freePort(), osUser);
        Path pwfile = home.resolve("pwfile");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
        if (osUser != null) {
            run(List.of("chown", "-R", osUser, home.toString()));
        }
        pg.asServerUser(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", "postgres",
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"));
        pg.restart();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.pgCtl("stop", "-m", "immediate");
            } catch (RuntimeException e) {
                // already stopped
            }
        }, "postgres-stop"));
        try (Connection c = pg.superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        }
        return pg;
    }

    private String serverOptions() {
        return "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                + " -c shared_buffers=32MB"
                // -Dpostgres.stat_statements=true (benches): count the statements of each database
                + (Boolean.getBoolean("postgres.stat_statements")
                        ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" : "");
    }

    /**
     * pg_stat_statements in {@code database} (needs {@code -Dpostgres.stat_statements=true} before the first
     * {@link #get()}); false if the server was started without it. Made by the superuser: the extension is not trusted.
     */
    public boolean statementStats(String database) {
        if (!Boolean.getBoolean("postgres.stat_statements")) {
            return false;
        }
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", SUPERUSER_PASSWORD);
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), p); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("GRANT pg_read_all_stats TO " + USER);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements: " + e.getMessage(), e);
        }
    }

    private void pgCtl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w",
                "-t", "60"));
        cmd.addAll(List.of(args));
        asServerUser(cmd);
    }

    private void asServerUser(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (osUser != null) {
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.addAll(command);
        run(cmd);
    }

    private Connection superuser() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", SUPERUSER_PASSWORD);
        return DriverManager.getConnection(jdbcUrl("postgres"), p);
    }

    private static Path findBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString)).orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)."
                    + " The tests tagged 'postgres' need it: run bin/test, which installs it"
                    + " (apt-get install -y postgresql)");
        }
    }

    private static void stopLeftover(Path bin, Path data) {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            List<String> cmd = new ArrayList<>();
            if (isRoot()) {
                cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            cmd.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "stop", "-m", "immediate"));
            try {
                run(cmd);
            } catch (RuntimeException e) {
                // not running
            }
        }
    }

    private static boolean isRoot() {
        return "0".equals(run(List.of("id", "-u")).trim());
    }

    /** Output to a file: pg_ctl's server keeps its output open, so a pipe would never reach its end. */
    private static String run(List<String> command) {
        try {
            Path out = Files.createTempFile("mt-pg", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed: "
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
