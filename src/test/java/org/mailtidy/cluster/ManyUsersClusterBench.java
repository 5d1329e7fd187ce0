package org.mailtidy.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mailtidy.schedule.DaemonOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.cluster.ClusterRuns.Run;
import org.mailtidy.testsupport.CountingProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.Postgres;
import org.mailtidy.testsupport.TestMessage;

/**
 * The cluster version of {@link ManyUsersBench}: {@code NODES=3 bench/many-users.sh} (or
 * {@code -Dmany.bench=USERS -Dmany.nodes=3 -Dmany.every=2m -Dmany.minutes=8}); skipped otherwise. Starts
 * that many {@code mailtidy run} processes (separate JVMs with the systemd unit's heap options, as
 * {@link ClusterProcessTest} does) on the tests' private PostgreSQL, one group of users on the master-user
 * Dovecot, each node through its own counting proxy; SIGKILLs node 1 half-way. From {@code mailtidy_run}:
 * runs per second, lateness (start of the run after its due time), and the exactly-once check; per node:
 * IMAP connections, OS threads ({@code /proc}), heap ({@code jstat}); PostgreSQL statements per run
 * (pg_stat_statements, and pg_stat_database's transactions). Node logs stay in target/bench/many-cluster/.
 */
@Tag("dovecot")
@Tag("postgres")
class ManyUsersClusterBench {
    private static final String JAVA_OPTS = "-Xms32m -Xmx192m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m"
            + " -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1";

    /** Per node: what was sampled. */
    private static final class Sampled {
        int maxOpen;
        int maxThreads;
        long maxHeap;
        Long heapAfterGc;
    }

    @Test
    void cluster() throws Exception {
        int users = Integer.getInteger("many.bench", 0);
        int nodeCount = Integer.getInteger("many.nodes", 0);
        assumeTrue(users > 0 && nodeCount > 1, "set -Dmany.bench=USERS -Dmany.nodes=N (NODES=3 bench/many-users.sh)");
        Duration every = DaemonOptions.parse("many.every", System.getProperty("many.every", "2m"));
        Duration length = Duration.ofMinutes(Integer.getInteger("many.minutes", 8));
        Path dir = Files.createDirectories(Path.of("target", "bench", "many-cluster").toAbsolutePath());
        try (var old = Files.list(dir)) {
            for (Path p : old.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        Dovecot dovecot = Dovecot.withMasterUser();
        Postgres postgres = Postgres.get();
        String jdbcUrl = postgres.newDatabase("bench");
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        boolean statements = postgres.statementStats(database);
        String prefix = "cl" + users + "-" + ProcessHandle.current().pid();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            names.add(prefix + "-" + i);
        }
        dovecot.addUsers(names, List.of(TestMessage.of("junk offer"), TestMessage.of("keep me"),
                TestMessage.of("hello").withFlags("\\Seen")));
        Path usersFile = dir.resolve("users.txt");
        Files.writeString(usersFile, String.join("\n", names) + "\n");
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, """
                version: 1
                accounts:
                  staff:
                    host: 127.0.0.1
                    port: "${MAILTIDY_TEST_IMAP_PORT}"
                    tls: none
                    users_file: %s
                    master_user: %s
                    password: '%s'
                cluster: {jdbc_url: "%s", username: %s, password: %s}
                defaults: {timezone: UTC}
                rules:
                  - {name: drop-junk, account: "*", schedule: every %ds, match: {subject: junk}, delete: true}
                  - {name: old-read, account: "*", schedule: every %ds, match: {seen: true, older_than: 30d},
                     add_flags: [Old]}
                """.formatted(usersFile, Dovecot.MASTER_USER, Dovecot.MASTER_PASSWORD, jdbcUrl, Postgres.USER,
                Postgres.PASSWORD, every.toSeconds(), every.toSeconds()));

        List<CountingProxy> proxies = new ArrayList<>();
        List<Process> nodes = new ArrayList<>();
        List<Sampled> sampled = new ArrayList<>();
        try {
            long started = System.currentTimeMillis();
            for (int i = 1; i <= nodeCount; i++) {
                CountingProxy proxy = CountingProxy.to(dovecot.host(), dovecot.imapPort());
                proxies.add(proxy);
                sampled.add(new Sampled());
                nodes.add(startNode(dir, "n" + i, config, proxy.port()));
            }
            // the first period is the warm-up (JIT, Dovecot indexing each INBOX at its first SELECT)
            Duration warmup = DaemonOptions.parse("many.warmup", System.getProperty("many.warmup",
                    every.toMillis() + "ms"));
            long from = started + warmup.toMillis();
            long until = started + length.toMillis();
            // half-way through the firings that the exactly-once check looks at
            long killAt = from + (checkedUntil(until, every) - from) / 2;
            long[] killedAt = {0};
            long[] pgBefore = null;
            while (System.currentTimeMillis() < until) {
                long now = System.currentTimeMillis();
                if (pgBefore == null && now >= from) {
                    pgBefore = pgCounters(jdbcUrl, database, statements);
                }
                if (killedAt[0] == 0 && now >= killAt) {
                    nodes.get(0).destroyForcibly(); // SIGKILL
                    killedAt[0] = System.currentTimeMillis();
                    System.out.printf("node n1 (pid %d) killed at +%d s%n", nodes.get(0).pid(),
                            (killedAt[0] - started) / 1000);
                }
                if (now >= from) {
                    for (int i = 0; i < nodeCount; i++) {
                        Process p = nodes.get(i);
                        if (!p.isAlive()) {
                            continue;
                        }
                        Sampled s = sampled.get(i);
                        s.maxOpen = Math.max(s.maxOpen, proxies.get(i).open());
                        s.maxThreads = Math.max(s.maxThreads, threads(p.pid()));
                        s.maxHeap = Math.max(s.maxHeap, heapUsed(p.pid()));
                    }
                }
                Thread.sleep(5000);
            }
            long[] pgAfter = pgCounters(jdbcUrl, database, statements);
            for (int i = 1; i < nodeCount; i++) {
                Process p = nodes.get(i);
                run(List.of(jdk("jcmd"), Long.toString(p.pid()), "GC.run"));
                sampled.get(i).heapAfterGc = heapUsed(p.pid());
            }
            for (int i = 1; i < nodeCount; i++) {
                Process p = nodes.get(i);
                p.destroy(); // SIGTERM: the daemon stops cleanly
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            report(users, every, nodeCount, jdbcUrl, nodes, proxies, sampled, from, until, killedAt[0], pgBefore,
                    pgAfter, statements);
        } finally {
            nodes.forEach(Process::destroyForcibly);
            proxies.forEach(CountingProxy::close);
        }
    }

    private static Process startNode(Path dir, String name, Path config, int imapPort) throws IOException {
        return ClusterRuns.startNode(List.of(JAVA_OPTS.split(" ")), config, dir.resolve("state-" + name),
                dir.resolve(name + ".log"), Map.of("MAILTIDY_TEST_IMAP_PORT", Integer.toString(imapPort)));
    }

    private void report(int users, Duration every, int nodeCount, String jdbcUrl, List<Process> nodes,
                        List<CountingProxy> proxies, List<Sampled> sampled, long from, long until, long killedAt,
                        long[] pgBefore, long[] pgAfter, boolean statements) throws SQLException {
        List<Run> runs = ClusterRuns.read(jdbcUrl);
        long p = every.toMillis();
        double seconds = (until - from) / 1000.0;
        List<Run> inWindow = runs.stream().filter(r -> r.started() >= from && r.started() < until).toList();
        System.out.printf("%n%d users, every %s, %d nodes, %.0f s measured, node n1 killed at +%d s of it%n", users,
                every, nodeCount, seconds, (killedAt - from) / 1000);
        System.out.printf("runs started: %d = %.2f runs/s (needed %.2f/s); before the kill %.2f/s, after %.2f/s%n",
                inWindow.size(), inWindow.size() / seconds, users * 1000.0 / p,
                inWindow.stream().filter(r -> r.started() < killedAt).count() / ((killedAt - from) / 1000.0),
                inWindow.stream().filter(r -> r.started() >= killedAt).count() / ((until - killedAt) / 1000.0));
        List<Long> late = lateness(runs, from, until);
        List<Long> lateBefore = lateness(runs, from, killedAt);
        List<Long> lateAfter = lateness(runs, killedAt, until);
        System.out.printf("lateness (run started - due): all median %d ms, p99 %d ms, max %d ms; before the kill"
                + " %d / %d / %d ms; after %d / %d / %d ms%n", pct(late, 50), pct(late, 99), pct(late, 100),
                pct(lateBefore, 50), pct(lateBefore, 99), pct(lateBefore, 100), pct(lateAfter, 50),
                pct(lateAfter, 99), pct(lateAfter, 100));
        for (int i = 0; i < nodeCount; i++) {
            Sampled s = sampled.get(i);
            long pid = nodes.get(i).pid();
            long ran = inWindow.stream().filter(r -> r.by(pid)).count();
            System.out.printf("node n%d: %d runs; IMAP connections peak %d (sampled max %d), made %d; threads"
                    + " (OS, JVM's own included) max %d; heap used max %d MB%s%n", i + 1, ran, proxies.get(i).peak(),
                    s.maxOpen, proxies.get(i).total(), s.maxThreads, s.maxHeap >> 20,
                    s.heapAfterGc == null ? " (killed)" : ", after GC " + (s.heapAfterGc >> 20) + " MB");
        }
        long runsBetween = runs.stream().filter(r -> r.started() >= from && r.started() < until).count();
        System.out.printf("PostgreSQL over the measured time (%d runs): %s%d transactions committed (%.1f per run),"
                + " rows read %d, written %d (%.1f and %.1f per run)%n", runsBetween,
                statements ? "statements " + (pgAfter[0] - pgBefore[0]) + " ("
                        + String.format("%.1f", (pgAfter[0] - pgBefore[0]) / (double) runsBetween) + " per run), " : "",
                pgAfter[1] - pgBefore[1], (pgAfter[1] - pgBefore[1]) / (double) runsBetween,
                pgAfter[2] - pgBefore[2], pgAfter[3] - pgBefore[3],
                (pgAfter[2] - pgBefore[2]) / (double) runsBetween, (pgAfter[3] - pgBefore[3]) / (double) runsBetween);
        if (statements) {
            topStatements(jdbcUrl);
        }
        // firings due until a minute (or a period) before the end: their runs have all started
        long checkedUntil = checkedUntil(until, every);
        ClusterRuns.Check check = ClusterRuns.check(runs, nodes.get(0).pid(), from, checkedUntil, p * 3 / 2);
        System.out.printf("exactly once, firings due from +0 to +%d s of the measured time: %s%n",
                (checkedUntil - from) / 1000, check.summary());
        // each account fires once a period: over the checked time, each has floor or ceil(time / period) due times
        Map<String, Long> duesPerAccount = runs.stream().filter(r -> r.done() && r.due() >= from
                && r.due() < checkedUntil).collect(java.util.stream.Collectors.groupingBy(Run::box,
                java.util.stream.Collectors.counting()));
        long fewest = (checkedUntil - from) / p;
        long most = (checkedUntil - from + p - 1) / p;
        System.out.printf("due times per account in that time (expected %d to %d): %s; accounts without any: %d%n",
                fewest, most, new java.util.TreeMap<>(duesPerAccount.values().stream().collect(
                        java.util.stream.Collectors.groupingBy(n -> n, java.util.stream.Collectors.counting()))),
                users - duesPerAccount.size());
        java.util.stream.Stream.of(check.twice(), check.notRedone(), check.gaps()).flatMap(List::stream).limit(20)
                .forEach(x -> System.out.println("  " + x));
    }

    /** The firings due before this have all had time to start: lateness is far below a minute. */
    private static long checkedUntil(long until, Duration every) {
        return until - Math.min(every.toMillis(), 60_000);
    }

    private static List<Long> lateness(List<Run> runs, long from, long until) {
        return runs.stream().filter(r -> r.due() >= from && r.due() < until).map(r -> r.started() - r.due())
                .sorted().toList();
    }

    /** Statements executed (pg_stat_statements, 0 without it), transactions committed, rows read, rows written. */
    private static long[] pgCounters(String jdbcUrl, String database, boolean statements) throws SQLException {
        try (Connection c = Postgres.connect(jdbcUrl); Statement s = c.createStatement()) {
            long calls = 0;
            if (statements) {
                try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                        + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                    rs.next();
                    calls = rs.getLong(1);
                }
            }
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT xact_commit, tup_returned + tup_fetched,"
                    + " tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '"
                    + database + "'")) {
                rs.next();
                return new long[] {calls, rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private static void topStatements(String jdbcUrl) throws SQLException {
        try (Connection c = Postgres.connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)"
                     + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname ="
                     + " current_database()) ORDER BY calls DESC LIMIT 15")) {
            System.out.println("most frequent statements (whole run, warm-up included):");
            while (rs.next()) {
                System.out.printf("  %8d  %s%n", rs.getLong(1), rs.getString(2));
            }
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    /** The process's OS threads (JVM's own, GC and compiler included). */
    private static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return 0;
    }

    /** Heap in use (survivor, eden and old spaces' used bytes) from {@code jstat -gc}; 0 if it cannot be read. */
    private static long heapUsed(long pid) {
        String out = run(List.of(jdk("jstat"), "-gc", Long.toString(pid)));
        String[] lines = out.strip().split("\n");
        if (lines.length < 2) {
            return 0;
        }
        String[] head = lines[0].trim().split("\\s+");
        String[] val = lines[1].trim().split("\\s+");
        double kb = 0;
        for (int i = 0; i < head.length && i < val.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                kb += Double.parseDouble(val[i]);
            }
        }
        return (long) (kb * 1024);
    }

    private static String jdk(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

}
