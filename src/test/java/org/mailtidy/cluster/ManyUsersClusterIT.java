package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailtidy.testsupport.Await.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mailtidy.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.cluster.ClusterRuns.Run;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.Postgres;
import org.mailtidy.testsupport.TestMessage;

/**
 * The small version of the cluster bench ({@link ManyUsersClusterBench}): three {@code mailtidy run}
 * processes on the tests' PostgreSQL serve one group of 50 users behind Dovecot's master login, every 4
 * s; one node is SIGKILLed in the middle of a run. Each firing runs exactly once: never twice, the
 * killed node's unfinished runs are redone for their due time by the others, every user keeps running
 * on the survivors, and before the kill and once the others have taken over, each user's due times
 * follow one another one period apart (no firing lost).
 */
@Tag("dovecot")
@Tag("postgres")
class ManyUsersClusterIT {
    private static final int USERS = 50;
    private static final long PERIOD = 4000;

    private final List<Process> nodes = new ArrayList<>();
    private TcpProxy proxy;

    @AfterEach
    void tearDown() {
        nodes.forEach(Process::destroyForcibly);
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void eachUsersFiringRunsExactlyOnceWithANodeKilled() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "cluster", "many-users").toAbsolutePath());
        Dovecot dovecot = Dovecot.withMasterUser();
        String jdbcUrl = Postgres.get().newDatabase("many");
        String prefix = "mc" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(prefix + "-" + i);
        }
        dovecot.addUsers(users, List.of(TestMessage.of("toggle")));
        Path usersFile = dir.resolve("users.txt");
        Files.writeString(usersFile, String.join("\n", users) + "\n");
        proxy = new TcpProxy(dovecot.host(), dovecot.imapPort());
        // each reply 25 ms late: a run takes a few hundred ms, long enough to catch a node in the middle of one
        proxy.delayReplies(25);
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, """
                version: 1
                accounts:
                  staff: {host: 127.0.0.1, port: %d, tls: none, users_file: %s, master_user: %s, password: '%s'}
                cluster: {jdbc_url: "%s", username: %s, password: %s}
                defaults: {timezone: UTC}
                rules:
                  - {name: off, account: "*", schedule: every %ds, match: {keyword: T}, remove_flags: [T], stop: true}
                  - {name: on, account: "*", schedule: every %ds, match: {all_messages: true}, add_flags: [T]}
                """.formatted(proxy.port(), usersFile, Dovecot.MASTER_USER, Dovecot.MASTER_PASSWORD, jdbcUrl,
                Postgres.USER, Postgres.PASSWORD, PERIOD / 1000, PERIOD / 1000));
        for (int i = 1; i <= 3; i++) {
            nodes.add(ClusterRuns.startNode(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dmailtidy.cluster_checkin_interval=1000ms", "-Dmailtidy.stop_grace=10s"), config,
                    dir.resolve("state-n" + i), dir.resolve("n" + i + ".log"), Map.of()));
        }
        Process victim = nodes.get(0);
        await("every user to run", Duration.ofSeconds(60), () -> finishedUsersSince(jdbcUrl, 0) == USERS);
        long steadyFrom = System.currentTimeMillis();
        await("two periods of firings", Duration.ofSeconds(30),
                () -> finishedUsersSince(jdbcUrl, steadyFrom + 2 * PERIOD) == USERS);
        Run killed = poll(Duration.ofSeconds(30), () -> {
            long now = System.currentTimeMillis();
            Optional<Run> run = ClusterRuns.read(jdbcUrl).stream().filter(r -> r.by(victim.pid()))
                    .filter(r -> r.finished() == null && now - r.started() < 50).findFirst();
            run.ifPresent(r -> victim.destroyForcibly()); // SIGKILL
            return run;
        });
        long killedAt = System.currentTimeMillis();
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // Quartz notices the dead node after about two check-ins + 7.5 s and fires its firings again, the
        // one killed first (its due time is the earliest); a period later every user is on the survivors' grid
        await("the killed run to be redone", Duration.ofSeconds(60), () -> ClusterRuns.read(jdbcUrl).stream()
                .anyMatch(r -> r.box().equals(killed.box()) && r.due() == killed.due() && r.done()));
        long takenOver = ClusterRuns.read(jdbcUrl).stream().filter(r -> r.box().equals(killed.box())
                && r.due() == killed.due() && r.done()).findFirst().orElseThrow().started() + PERIOD;
        await("every user to run on the others after the take-over", Duration.ofSeconds(60), () -> {
            Map<String, List<Long>> after = dues(ClusterRuns.read(jdbcUrl), takenOver);
            return after.size() == USERS && after.values().stream().allMatch(d -> d.size() >= 3);
        });
        for (Process n : nodes.subList(1, 3)) {
            n.destroy();
            assertThat(n.waitFor(30, TimeUnit.SECONDS)).as("a survivor stops after SIGTERM").isTrue();
            assertThat(n.exitValue()).isZero();
        }
        List<Run> runs = ClusterRuns.read(jdbcUrl);

        // gaps: a user on the killed node waits for the take-over (about 10 s; 30 s allowed on a loaded machine)
        ClusterRuns.Check check = ClusterRuns.check(runs, victim.pid(), steadyFrom, takenOver, 30_000);
        assertThat(check.twice()).as("firings run to completion twice").isEmpty();
        assertThat(check.killedRuns()).as("the killed node's unfinished runs").isPositive();
        assertThat(check.notRedone()).as("the killed node's runs not redone for their due time").isEmpty();
        assertThat(check.gaps()).as("users left waiting").isEmpty();
        assertThat(check.mailboxes()).isEqualTo(USERS);
        assertThat(runs).filteredOn(r -> r.box().equals(killed.box()) && r.due() == killed.due() && r.done())
                .singleElement().matches(r -> !r.by(victim.pid()));
        // no firing lost: one period between due times before the kill (those due in the last period before it
        // may have been the victim's) and after the take-over
        dues(runs, steadyFrom).forEach((user, d) -> {
            List<Long> before = d.stream().filter(t -> t < killedAt - PERIOD).toList();
            List<Long> after = d.stream().filter(t -> t >= takenOver).toList();
            for (List<Long> part : List.of(before, after)) {
                for (int i = 1; i < part.size(); i++) {
                    assertThat(part.get(i) - part.get(i - 1)).as(user + ": due times one period apart")
                            .isEqualTo(PERIOD);
                }
            }
        });
        System.out.printf("%d users every %d ms on 3 nodes, one killed: %s%n", USERS, PERIOD, check.summary());
    }

    /** Users with a finished run that started at or after {@code since}. */
    private static long finishedUsersSince(String jdbcUrl, long since) {
        return ClusterRuns.read(jdbcUrl).stream().filter(r -> r.done() && r.started() >= since).map(Run::box)
                .distinct().count();
    }

    /** Per user, the due times of finished runs due at or after {@code since}, in order. */
    private static Map<String, List<Long>> dues(List<Run> runs, long since) {
        return runs.stream().filter(r -> r.done() && r.due() >= since).collect(Collectors.groupingBy(Run::box,
                Collectors.collectingAndThen(Collectors.mapping(Run::due, Collectors.toList()),
                        l -> l.stream().sorted().toList())));
    }

    private static <T> T poll(Duration timeout, java.util.function.Supplier<Optional<T>> find)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = find.get();
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(System.nanoTime()).as("caught the victim in the middle of a run").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
