package org.mailtidy.daemon;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.Connections;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.schedule.Jitter;
import org.mailtidy.testsupport.CountingProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * One node, one group of users on the tests' Dovecot with a master user, one rule for {@code "*"}:
 * {@code bench/many-users.sh} (or {@code -Dmany.bench=USERS -Dmany.every=15m -Dmany.minutes=16});
 * skipped otherwise. Prints runs per second, lateness after the due time (median, p99, max; taken
 * when a run connects, which with thousands of accounts and 16 kept connections is nearly every
 * run), IMAP connections open (at a proxy in front of Dovecot), the JVM's threads and heap.
 */
@Tag("dovecot")
class ManyUsersBench {
    @TempDir
    Path dir;

    @Test
    void bench() throws Exception {
        int users = Integer.getInteger("many.bench", 0);
        assumeTrue(users > 0, "set -Dmany.bench=USERS (bench/many-users.sh)");
        Duration every = DaemonOptions.parse("many.every", System.getProperty("many.every", "15m"));
        Duration length = Duration.ofMinutes(Integer.getInteger("many.minutes", 16));
        Dovecot dovecot = Dovecot.withMasterUser();
        String prefix = "bench" + users + "-" + ProcessHandle.current().pid();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            names.add(prefix + "-" + i);
        }
        long t0 = System.nanoTime();
        dovecot.addUsers(names, List.of(TestMessage.of("junk offer"), TestMessage.of("keep me"),
                TestMessage.of("hello").withFlags("\\Seen")));
        System.out.printf("%d users made in %d s%n", users, (System.nanoTime() - t0) / 1_000_000_000);
        Path usersFile = dir.resolve("users.txt");
        Files.writeString(usersFile, String.join("\n", names) + "\n");
        ConcurrentLinkedQueue<long[]> connects = new ConcurrentLinkedQueue<>();
        try (CountingProxy proxy = CountingProxy.to(dovecot.host(), dovecot.imapPort())) {
            Path config = dir.resolve("mailtidy.yaml");
            Files.writeString(config, """
                    version: 1
                    accounts:
                      staff:
                        host: 127.0.0.1
                        port: %d
                        tls: none
                        users_file: %s
                        master_user: %s
                        password: '%s'
                    rules:
                      - {name: drop-junk, account: "*", schedule: every %ds, match: {subject: junk}, delete: true}
                      - {name: old-read, account: "*", schedule: every %ds, match: {seen: true, older_than: 30d},
                         add_flags: [Old]}
                    """.formatted(proxy.port(), usersFile, Dovecot.MASTER_USER, Dovecot.MASTER_PASSWORD,
                    every.toSeconds(), every.toSeconds()));
            Instant anchor = Instant.now();
            Daemon daemon = new Daemon(config, DaemonOptions.defaults(), account -> {
                long at = System.currentTimeMillis();
                connects.add(new long[] {account.id().hashCode(), at, Jitter.of(account.id(), every,
                        Jitter.max()).toMillis()});
                return Connections.open(account);
            }, Clock.systemUTC());
            daemon.start();
            long maxHeap = 0;
            int maxOpen = 0;
            int maxThreads = 0;
            long end = System.nanoTime() + length.toNanos();
            try {
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                    Runtime rt = Runtime.getRuntime();
                    maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
                    maxOpen = Math.max(maxOpen, proxy.open());
                    maxThreads = Math.max(maxThreads, ownThreads());
                }
            } finally {
                daemon.stop();
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long heapAfterGc = rt.totalMemory() - rt.freeMemory();
            List<Long> late = new ArrayList<>();
            long p = every.toMillis();
            for (long[] c : connects) {
                long since = c[1] - anchor.toEpochMilli() - c[2];
                late.add(since < 0 ? 0 : since % p);
            }
            Collections.sort(late);
            double seconds = length.toMillis() / 1000.0;
            System.out.printf("%n%d users, every %s, %d s: %d connects = %.1f runs/s (needed %.1f/s)%n", users,
                    every, (long) seconds, connects.size(), connects.size() / seconds, users * 1000.0 / p);
            System.out.printf("lateness at connect: median %d ms, p99 %d ms, max %d ms%n", pct(late, 50),
                    pct(late, 99), late.isEmpty() ? 0 : late.get(late.size() - 1));
            System.out.printf("IMAP connections open: peak %d (proxy), largest sampled %d, connections made %d%n",
                    proxy.peak(), maxOpen, proxy.total());
            System.out.printf("threads of mailtidy (proxy's excluded): max %d; heap used: max %d MB, after GC %d MB%n",
                    maxThreads, maxHeap >> 20, heapAfterGc >> 20);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    /** Live threads that are not the proxy's (two per connection) nor JUnit's. */
    private static int ownThreads() {
        int n = 0;
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (!t.getThreadName().startsWith("counting-proxy")) {
                n++;
            }
        }
        return n;
    }
}
