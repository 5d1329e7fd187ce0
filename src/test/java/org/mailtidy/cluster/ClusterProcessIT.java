package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailtidy.testsupport.Await.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.Postgres;
import org.mailtidy.testsupport.TcpProxy;
import org.mailtidy.testsupport.TestMessage;

/**
 * Three {@code mailtidy run} processes as one Quartz cluster on a private PostgreSQL, with one rule
 * file over 30 mailboxes (3 accounts × 10) on Dovecot. Each run toggles keyword {@code T} on the
 * mailbox's one message, so the audit log has exactly one line per run; every run is also recorded
 * in {@code mailtidy_run}. Account {@code a} has an extra wildcard rule over the same mailboxes:
 * two jobs name each of its mailboxes, and the cluster must still run each once per firing.
 */
@Tag("dovecot")
@Tag("postgres")
class ClusterProcessIT {
    private static final Duration CHECKIN = Duration.ofSeconds(1);
    private static final long INTERVAL_MS = 2000;
    private static final List<String> ACCOUNTS = List.of("a", "b", "c");
    /** {@code -Dcluster.bench.mailboxes=N}: N mailboxes per account, every 1 s, for the throughput figure. */
    private static final String BENCH = System.getProperty("cluster.bench.mailboxes");
    private static final int PER_ACCOUNT = BENCH == null ? 10 : Integer.parseInt(BENCH);
    private static final String EVERY = BENCH == null ? "every 2s" : "every 1s";

    /** Kept after the test (node logs, audit files), under target/cluster/. */
    private Path dir;

    private final Dovecot dovecot = Dovecot.get();
    private final Postgres postgres = Postgres.get();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> users = new TreeMap<>();
    private TcpProxy proxy;
    private String jdbcUrl;
    private Path config;

    /** One node: a separate JVM running {@code mailtidy run}. */
    private final class Node {
        final String name;
        final Process process;
        final Path log;

        Node(String name) throws IOException {
            this(name, config);
        }

        Node(String name, Path file) throws IOException {
            this.name = name;
            this.log = dir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"),
                    "-Dmailtidy.cluster_checkin_interval=" + CHECKIN.toMillis() + "ms", "-Dmailtidy.stop_grace=10s",
                    "org.mailtidy.cli.Main", "run", "-c", file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MAILTIDY_NODE", name);
            pb.environment().put("MAILTIDY_TEST_IMAP_PORT", Integer.toString(proxy.port()));
            this.process = pb.start();
        }

        /** The node's rows in mailtidy_run name it host-pid-start. */
        boolean ran(Run r) {
            return r.node().contains("-" + process.pid() + "-");
        }

        Path audit() {
            return dir.resolve("audit-" + name + ".jsonl");
        }

        /** The node's audit lines; none yet when the node has changed nothing (the file is created on first write). */
        List<String> auditLines() throws IOException {
            return Files.exists(audit()) ? Files.readAllLines(audit()) : List.of();
        }

        int terminate() throws Exception {
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " exits after SIGTERM").isTrue();
            return process.exitValue();
        }
    }

    private record Run(long id, String account, String mailbox, long due, String node, boolean recovering,
                       long started, Long finished, Boolean reached) {
        String box() {
            return account + " " + mailbox;
        }
    }

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        dir = Files.createDirectories(Path.of("target", "cluster", test.getTestMethod().orElseThrow().getName())
                .toAbsolutePath());
        try (var old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (String account : ACCOUNTS) {
            String user = dovecot.newUser("cluster-" + account);
            users.put(account, user);
            for (int i = 0; i < PER_ACCOUNT; i++) {
                dovecot.writeMaildir(user, box(i), List.of(TestMessage.of("toggle " + account + i)));
            }
        }
        proxy = new TcpProxy("127.0.0.1", dovecot.imapPort());
        // each reply 25 ms late: a run takes over 100 ms, long enough to catch a node in the middle of one
        proxy.delayReplies(BENCH == null ? 25 : 0);
        jdbcUrl = postgres.newDatabase("cluster");
        config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, configText());
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(n -> n.process.destroyForcibly());
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String box(int i) {
        return String.format("Box/%02d", i);
    }

    private String configText() {
        StringBuilder sb = new StringBuilder("version: 1\naccounts:\n");
        users.forEach((account, user) -> sb.append("  ").append(account).append(": {host: 127.0.0.1,")
                .append(" port: \"${MAILTIDY_TEST_IMAP_PORT}\", tls: none, username: ").append(user)
                .append(", password: ").append(Dovecot.password(user)).append("}\n"));
        sb.append("cluster: {jdbc_url: \"").append(jdbcUrl).append("\", username: ").append(Postgres.USER)
                .append(", password: ").append(Postgres.PASSWORD).append("}\n");
        sb.append("audit: {file: \"").append(dir.resolve("audit-${MAILTIDY_NODE}.jsonl")).append("\"}\n");
        sb.append("defaults: {timezone: UTC}\nrules:\n");
        String boxes = java.util.stream.IntStream.range(0, PER_ACCOUNT).mapToObj(ClusterProcessIT::box)
                .collect(Collectors.joining(", ", "[", "]"));
        for (String account : ACCOUNTS) {
            sb.append("  - {name: off-").append(account).append(", account: ").append(account)
                    .append(", mailboxes: ").append(boxes)
                    .append(", schedule: ").append(EVERY).append(", match: {keyword: T}, remove_flags: [T], stop: true}\n");
            sb.append("  - {name: on-").append(account).append(", account: ").append(account)
                    .append(", mailboxes: ").append(boxes)
                    .append(", schedule: ").append(EVERY).append(", match: {all_messages: true}, add_flags: [T]}\n");
        }
        sb.append("  - {name: seen-by-wildcard, account: a, mailbox: \"Box/*\", schedule: ").append(EVERY)
                .append(", match: {all_messages: true}, add_flags: [W]}\n");
        return sb.toString();
    }

    private List<Node> startNodes(int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            nodes.add(new Node("n" + i));
        }
        return nodes;
    }

    private List<Run> runs() {
        List<Run> out = new ArrayList<>();
        try (Connection c = Postgres.connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, account, mailbox, due, node, recovering, started, finished,"
                     + " reached FROM mailtidy_run ORDER BY started")) {
            while (rs.next()) {
                long finished = rs.getLong(8);
                Long f = rs.wasNull() ? null : finished;
                boolean reached = rs.getBoolean(9);
                Boolean r = rs.wasNull() ? null : reached;
                out.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getBoolean(6), rs.getLong(7), f, r));
            }
        } catch (SQLException e) {
            return List.of(); // not created yet, or the database is away
        }
        return out;
    }

    private boolean everyMailboxRanSince(long since) {
        return runs().stream().filter(r -> r.started() >= since && Boolean.TRUE.equals(r.reached()))
                .map(Run::box).distinct().count() == ACCOUNTS.size() * PER_ACCOUNT;
    }

    /** Per mailbox, the first reached run that started at or after {@code since}: the longest wait. */
    private long longestWaitAfter(long since) {
        return runs().stream().filter(r -> r.started() >= since && Boolean.TRUE.equals(r.reached()))
                .collect(Collectors.groupingBy(Run::box, Collectors.minBy(Comparator.comparingLong(Run::started))))
                .values().stream().mapToLong(r -> r.orElseThrow().started() - since).max().orElse(-1);
    }

    /** No mailbox has two runs whose [started, finished] overlap (an unfinished run lasts until {@code end}). */
    private static void assertNoOverlap(List<Run> runs, long end) {
        runs.stream().collect(Collectors.groupingBy(Run::box)).forEach((box, list) -> {
            list.sort(Comparator.comparingLong(Run::started));
            for (int i = 1; i < list.size(); i++) {
                Run before = list.get(i - 1);
                long beforeEnd = before.finished() == null ? end : before.finished();
                assertThat(beforeEnd).as("%s: run %d overlaps run %d", box, before.id(), list.get(i).id())
                        .isLessThanOrEqualTo(list.get(i).started());
            }
        });
    }

    private static final Pattern AUDIT = Pattern.compile(
            "\\{\"time\":\"([^\"]+)\",\"account\":\"(\\w+)\",\"mailbox\":\"([^\"]+)\".*\"rule\":\"(on|off)-\\w+\"");

    /** Toggle lines per mailbox from every node's audit file, in time order: "on" or "off". */
    private Map<String, List<String>> toggles() throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (Node n : nodes) {
            for (String line : n.auditLines()) {
                Matcher m = AUDIT.matcher(line);
                if (m.find()) {
                    lines.add(new String[] {m.group(1), m.group(2) + " " + m.group(3), m.group(4)});
                }
            }
        }
        lines.sort(Comparator.comparing(l -> Instant.parse(l[0])));
        Map<String, List<String>> out = new TreeMap<>();
        for (String[] l : lines) {
            out.computeIfAbsent(l[1], k -> new ArrayList<>()).add(l[2]);
        }
        return out;
    }

    @Test
    void throughputBench() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BENCH != null, "only with -Dcluster.bench.mailboxes=N");
        startNodes(3);
        await("every mailbox to run", Duration.ofSeconds(120), () -> everyMailboxRanSince(0));
        long from = System.currentTimeMillis() + 5000;
        Thread.sleep(65_000);
        long until = from + 60_000;
        List<Run> runs = runs();
        long[] late = runs.stream().filter(r -> r.due() >= from && r.due() < until)
                .mapToLong(r -> r.started() - r.due()).sorted().toArray();
        long done = runs.stream().filter(r -> r.started() >= from && r.started() < until).count();
        System.out.printf("bench: %d mailboxes every 1 s (%d firings/min due): %d runs started in one minute;"
                + " start after due: median %d ms, 99th percentile %d ms, max %d ms; %s%n",
                ACCOUNTS.size() * PER_ACCOUNT, ACCOUNTS.size() * PER_ACCOUNT * 60, done, late[late.length / 2],
                late[late.length * 99 / 100], late[late.length - 1],
                nodes.stream().map(n -> n.name + "=" + runs.stream().filter(n::ran).count()).toList());
    }

    @Test
    void everyFiringRunsExactlyOnceClusterWideAndNeverTwiceAtOnce() throws Exception {
        startNodes(3);
        await("every mailbox to run", Duration.ofSeconds(60), () -> everyMailboxRanSince(0));
        long steadyFrom = System.currentTimeMillis();
        long steadyUntil = steadyFrom + 20_000;
        // every firing due in the 20 s has run once a later one has (one job's firings run in order)
        await("20 s of firings", Duration.ofSeconds(60), () -> runs().stream().filter(r -> r.due() >= steadyUntil)
                .map(Run::box).distinct().count() == ACCOUNTS.size() * PER_ACCOUNT);
        for (Node n : nodes) {
            assertThat(n.terminate()).isZero();
        }
        List<Run> runs = runs();

        assertThat(runs).allSatisfy(r -> assertThat(r.reached()).as("run %d finished and did its work", r.id())
                .isTrue());
        Map<String, Long> perFiring = runs.stream().collect(Collectors.groupingBy(r -> r.box() + " @" + r.due(),
                Collectors.counting()));
        assertThat(perFiring).as("runs per mailbox and firing").allSatisfy((k, v) -> assertThat(v).as(k).isOne());
        runs.stream().collect(Collectors.groupingBy(Run::box)).forEach((box, list) -> {
            List<Long> dues = list.stream().map(Run::due).filter(d -> d >= steadyFrom && d < steadyUntil)
                    .sorted().toList();
            assertThat(dues).as(box + ": firings in 20 s").hasSize(10);
            for (int i = 1; i < dues.size(); i++) {
                assertThat(dues.get(i) - dues.get(i - 1)).as(box + ": no firing lost").isEqualTo(INTERVAL_MS);
            }
        });
        assertNoOverlap(runs, Long.MAX_VALUE);
        for (Node n : nodes) {
            assertThat(runs).as("%s ran some mailboxes", n.name).anyMatch(n::ran);
        }

        Map<String, List<String>> toggles = toggles();
        Map<String, Long> runsPerMailbox = runs.stream().collect(Collectors.groupingBy(Run::box,
                Collectors.counting()));
        assertThat(toggles).hasSize(30);
        toggles.forEach((box, list) -> {
            assertThat((long) list.size()).as(box + ": one audit line per run").isEqualTo(runsPerMailbox.get(box));
            for (int i = 0; i < list.size(); i++) {
                assertThat(list.get(i)).as(box + ": runs one after another toggle T").isEqualTo(i % 2 == 0 ? "on" : "off");
            }
            String account = box.substring(0, 1);
            boolean hasT = dovecot.fetch(users.get(account), box.substring(2)).get(0).flags().contains("T");
            assertThat(hasT).as(box + ": T after an odd number of runs").isEqualTo(list.size() % 2 == 1);
        });
        long[] late = runs.stream().filter(r -> r.due() >= steadyFrom && r.due() < steadyUntil)
                .mapToLong(r -> r.started() - r.due()).sorted().toArray();
        System.out.printf("cluster steady state: %d runs of 30 mailboxes in 20 s by 3 nodes %s; start after due:"
                + " median %d ms, 99th percentile %d ms, max %d ms%n", late.length,
                nodes.stream().map(n -> n.name + "=" + runs.stream().filter(n::ran).count()).toList(),
                late[late.length / 2], late[late.length * 99 / 100], late[late.length - 1]);
    }

    /**
     * The run killed is one of account b or c, whose mailboxes one job each names, so that only Quartz's
     * recovery can redo it. A mailbox of account a is named by two jobs (its list and {@code Box/*}): when
     * the run of one of them dies with its node, the other job's firing of the same due time, waiting on a
     * live node for the mailbox's lock, runs the mailbox as soon as the dead node's database session (and
     * with it the lock) is gone, well before Quartz notices the node is dead; the recovering firing then
     * finds its due time covered and records no run. That is right (one run per mailbox and due time), so
     * for every mailbox this test checks exactly that: never two finished runs for one due time.
     */
    @Test
    void aKilledNodesRunIsRecoveredAndItsMailboxesKeepRunningOnTheOthers() throws Exception {
        startNodes(3);
        Node victim = nodes.get(0);
        await("every mailbox to run", Duration.ofSeconds(60), () -> everyMailboxRanSince(0));
        // a run that started just now has most of its 100-odd ms still to go
        Run inFlight = poll("the victim in the middle of a run of account b or c", Duration.ofSeconds(30), () -> {
            long now = System.currentTimeMillis();
            Optional<Run> run = runs().stream().filter(victim::ran).filter(r -> !r.account().equals("a"))
                    .filter(r -> r.finished() == null).filter(r -> now - r.started() < 50).findFirst();
            run.ifPresent(r -> victim.process.destroyForcibly()); // SIGKILL
            return run;
        });
        long killedAt = System.currentTimeMillis();
        assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Predicate<Run> recovery = r -> r.recovering() && r.box().equals(inFlight.box()) && r.due() == inFlight.due();
        try {
            await("the killed run to be recovered by another node", Duration.ofSeconds(90),
                    () -> runs().stream().anyMatch(recovery.and(r -> Boolean.TRUE.equals(r.reached()))));
        } catch (AssertionError e) {
            long from = inFlight.due() - 5000;
            throw new AssertionError(e.getMessage() + "; killed " + inFlight + " at " + killedAt + "; runs of "
                    + inFlight.box() + " due since " + from + ":\n" + runs().stream()
                    .filter(r -> r.box().equals(inFlight.box()) && r.due() >= from)
                    .map(Run::toString).collect(Collectors.joining("\n")), e);
        }
        long since = killedAt;
        await("every mailbox to run again", Duration.ofSeconds(90), () -> everyMailboxRanSince(since));
        Run recovered = runs().stream().filter(recovery).findFirst().orElseThrow();
        long failover = recovered.started() - killedAt;
        long longestWait = longestWaitAfter(killedAt);

        assertThat(victim.ran(recovered)).isFalse();
        // detection after check-in interval + max(interval, since the last check-in) + 7.5 s (Quartz), + one check-in
        // (+10 s of slack: CI shares two cores between three nodes, PostgreSQL and Dovecot)
        assertThat(failover).isLessThan(3 * CHECKIN.toMillis() + 7500 + 10_000);
        assertNoOverlap(runs(), killedAt);
        for (Node n : nodes.subList(1, 3)) {
            assertThat(n.terminate()).isZero();
        }
        List<Run> runs = runs();
        assertThat(runs.stream().filter(r -> r.box().equals(inFlight.box()) && r.due() == inFlight.due()
                && Boolean.TRUE.equals(r.reached()))).as("finished runs of the killed firing").hasSize(1);
        assertThat(runs.stream().filter(r -> Boolean.TRUE.equals(r.reached()))
                .collect(Collectors.groupingBy(r -> r.box() + " @" + r.due(), Collectors.counting())))
                .as("finished runs per mailbox and due time, across the kill")
                .allSatisfy((firing, n) -> assertThat(n).as(firing).isOne());
        String log = Files.readString(nodes.get(1).log) + Files.readString(nodes.get(2).log);
        assertThat(log).containsPattern("ClusterManager: .*detected 1 failed or restarted instances");
        System.out.printf("failover after SIGKILL: the killed run (%s) was recovered after %d ms; every mailbox had"
                + " run again %d ms after the kill (check-in interval %d ms)%n", inFlight.box(), failover, longestWait,
                CHECKIN.toMillis());
    }

    /** Polls every 10 ms (the runs to catch last over 100 ms) until {@code find} finds something; fails after timeout. */
    private static <T> T poll(String what, Duration timeout, java.util.function.Supplier<Optional<T>> find)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = find.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void withoutTheDatabaseRunsStopSendingNodesStopFiringAndRecoverWhenItIsBack() throws Exception {
        // runs of about 250 ms (a run waits for three or four answers since issue 15): one caught 60-120 ms
        // in is still going when the database has stopped
        proxy.delayReplies(75);
        startNodes(3);
        await("every mailbox to run", Duration.ofSeconds(60), () -> everyMailboxRanSince(0));
        // Past its claim on the mailbox (taken right after the run is recorded) and well before its end:
        // a run only just recorded may not hold its claim yet, and without the database it could not.
        Run inFlight = poll("a run in progress", Duration.ofSeconds(30), () -> {
            long now = System.currentTimeMillis();
            return runs().stream().filter(r -> r.finished() == null)
                    .filter(r -> now - r.started() >= 60 && now - r.started() < 120).findFirst();
        });
        long lostAt = System.currentTimeMillis();
        postgres.stop();
        try {
            Thread.sleep(3000);
            long linesBefore = auditLines();
            Thread.sleep(6000);
            assertThat(auditLines()).as("no run while the database is away").isEqualTo(linesBefore);
            assertThat(nodes).allMatch(n -> n.process.isAlive());
        } finally {
            postgres.restart();
        }
        long backAt = System.currentTimeMillis();
        await("every mailbox to run again", Duration.ofSeconds(60), () -> everyMailboxRanSince(backAt));
        long recovery = longestWaitAfter(backAt);

        // The runs in progress when the database went away could not record their end. Each either had sent its one
        // STORE already or, its mailbox lock gone with the database connection, sent nothing (LockLossPostgresIT):
        // never a second toggle, never half of one.
        Run chosen = inFlight;
        List<Run> cutOff = runs().stream().filter(r -> r.finished() == null)
                .filter(r -> r.id() == chosen.id() || r.started() <= chosen.started()).toList();
        assertThat(cutOff).as("runs in progress when the database went away").isNotEmpty();
        for (Run run : cutOff) {
            List<String> auditOfThatRun = new ArrayList<>();
            for (Node n : nodes) {
                for (String line : n.auditLines()) {
                    Matcher m = AUDIT.matcher(line);
                    if (m.find() && m.group(2).equals(run.account()) && m.group(3).equals(run.mailbox())
                            && Instant.parse(m.group(1)).toEpochMilli() >= run.started()
                            && Instant.parse(m.group(1)).toEpochMilli() < backAt) {
                        auditOfThatRun.add(line);
                    }
                }
            }
            assertThat(auditOfThatRun).as("run %d (%s) sent its batch or nothing", run.id(), run.box())
                    .hasSizeLessThanOrEqualTo(1);
        }
        // runs in progress when the database went away could not record their end; they ended before it was back
        // (a run that started after it was back may still be going: it has no end yet either)
        assertThat(runs()).filteredOn(r -> r.finished() == null && r.started() < backAt)
                .allSatisfy(r -> assertThat(r.started()).isLessThan(lostAt + 1000));
        assertNoOverlap(runs(), backAt);
        for (Node n : nodes) {
            assertThat(n.terminate()).isZero();
        }
        System.out.printf("database loss: %d runs in progress ended without it; every mailbox ran again %d ms"
                + " after the database was back%n", cutOff.size(), recovery);
    }

    @Test
    void aNodeWithAnOlderFileDoesNotFireAndDoesNotUndoTheNewerFile() throws Exception {
        Path oldFile = dir.resolve("n1.yaml");
        Path newFile = dir.resolve("n2.yaml");
        Files.copy(config, oldFile);
        Files.copy(config, newFile);
        Node lagging = new Node("n1", oldFile);
        Node updated = new Node("n2", newFile);
        nodes.addAll(List.of(lagging, updated));
        await("every mailbox to run", Duration.ofSeconds(60), () -> everyMailboxRanSince(0));

        Files.writeString(newFile, configText() + "  - {name: new-rule, account: b, mailbox: Box/00, schedule: every 2s,"
                + " match: {all_messages: true}, add_flags: [New]}\n");
        await("the new rule to run", Duration.ofSeconds(20),
                () -> dovecot.fetch(users.get("b"), "Box/00").get(0).flags().contains("New"));
        await("the lagging node to notice", Duration.ofSeconds(20),
                () -> read(lagging.log).contains("this node's configuration is older than the cluster's"));
        // a firing in progress finishes its mailboxes (at most 10 runs of about 200 ms)
        long paused = System.currentTimeMillis() + 3000;
        await("5 s of the updated node's runs after the pause", Duration.ofSeconds(30),
                () -> runs().stream().filter(updated::ran).anyMatch(r -> r.started() > paused + 5000));
        assertThat(runs()).filteredOn(lagging::ran).noneMatch(r -> r.started() > paused);

        Files.copy(newFile, oldFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        await("the lagging node to fire again", Duration.ofSeconds(20),
                () -> read(lagging.log).contains("this node's configuration is the cluster's again"));
        long resumed = System.currentTimeMillis();
        await("the lagging node to run mailboxes", Duration.ofSeconds(20),
                () -> runs().stream().filter(lagging::ran).anyMatch(r -> r.started() > resumed));
        assertThat(read(updated.log)).doesNotContain("older than the cluster's");
        assertNoOverlap(runs(), Long.MAX_VALUE);
        assertThat(lagging.terminate()).isZero();
        assertThat(updated.terminate()).isZero();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private long auditLines() throws IOException {
        long n = 0;
        for (Node node : nodes) {
            n += node.auditLines().size();
        }
        return n;
    }
}
