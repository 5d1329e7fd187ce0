package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * The soak run of the daemon: {@code bench/soak.sh} (or {@code -Dsoak.duration=1h}); skipped
 * otherwise. 20 mailboxes on the test Dovecot, rules every 10 s, new mail every few seconds; the
 * daemon runs as a process with the service's JVM options and is sampled every 30 s: heap after a
 * full GC, RSS, threads, TCP connections to Dovecot. Writes {@code target/soak.csv}.
 */
@Tag("dovecot")
class SoakIT {
    private static final int MAILBOXES = 20;
    private static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=96m", "-XX:+ExitOnOutOfMemoryError");

    private record Sample(long seconds, long heapKb, long rssKb, int threads, int connections, long runs) {
        String csv() {
            return seconds + "," + heapKb + "," + rssKb + "," + threads + "," + connections + "," + runs;
        }
    }

    @Test
    void twentyMailboxesEveryTenSecondsKeepHeapAndConnectionsFlat() throws Exception {
        String duration = System.getProperty("soak.duration");
        assumeTrue(duration != null, "soak run only with -Dsoak.duration=1h (bench/soak.sh)");
        Duration length = DaemonOptions.parse("soak.duration", duration);
        Dovecot dovecot = Dovecot.get();
        String user = dovecot.newUser("soak");
        for (int i = 0; i < MAILBOXES; i++) {
            List<TestMessage> messages = new ArrayList<>();
            for (int j = 0; j < 200; j++) {
                messages.add(TestMessage.of((j % 2 == 0 ? "news " : "other ") + j));
            }
            dovecot.writeMaildir(user, "Soak/box" + i, messages);
        }
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path dir = Files.createDirectories(Path.of("target", "soak"));
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, "version: 1\naccounts:\n  a: {host: 127.0.0.1, port: " + dovecot.imapPort()
                + ", tls: none, username: " + user + ", password: " + Dovecot.password(user) + "}\n"
                + "http: {listen: 127.0.0.1:" + httpPort + "}\n"
                + "audit: {file: " + dir.toAbsolutePath().resolve("audit.jsonl") + "}\n"
                + "rules:\n"
                + "  - {name: tag-news, mailbox: \"Soak/*\", schedule: every 10s, match: {subject: news, seen: false},"
                + " add_flags: [\\Seen, Tagged]}\n"
                + "  - {name: purge-other, mailbox: \"Soak/*\", schedule: every 10s,"
                + " match: {subject: other, older_than: 30s}, delete: true}\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mailtidy.cli.Main", "run", "-c",
                config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile()).start();
        List<Sample> samples = new ArrayList<>();
        Path csv = dir.resolve("soak.csv");
        Files.writeString(csv, "seconds,heap_after_gc_kb,rss_kb,threads,imap_connections,runs\n");
        Instant start = Instant.now();
        try {
            int n = 0;
            while (Duration.between(start, Instant.now()).compareTo(length) < 0) {
                for (int k = 0; k < 10; k++) {
                    Thread.sleep(3000);
                    dovecot.append(user, "Soak/box" + (n++ % MAILBOXES), TestMessage.of((n % 2 == 0 ? "news " : "other ")
                            + n).toBytes());
                }
                Sample s = sample(p.pid(), dovecot.imapPort(), httpPort, Duration.between(start, Instant.now()));
                samples.add(s);
                Files.writeString(csv, s.csv() + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            }
            assertThat(p.isAlive()).as("the daemon is still running").isTrue();
            ProcessBuilder kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()));
            assertThat(kill.start().waitFor()).isZero();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
        assertThat(samples).allSatisfy(s -> assertThat(s.connections()).isLessThanOrEqualTo(1));
        Sample first = samples.get(Math.min(2, samples.size() - 1));
        Sample last = samples.get(samples.size() - 1);
        assertThat(last.heapKb()).as("heap after GC, first vs last").isLessThan(first.heapKb() * 3 / 2 + 4096);
        assertThat(last.threads()).isLessThanOrEqualTo(first.threads() + 5);
    }

    private static Sample sample(long pid, int imapPort, int httpPort, Duration since) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String[] gc = run("jstat", "-gc", Long.toString(pid)).strip().split("\n");
        String[] names = gc[0].trim().split("\\s+");
        String[] values = gc[1].trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < names.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                used += Double.parseDouble(values[i]);
            }
        }
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        long rss = Long.parseLong(status.replaceAll("(?s).*VmRSS:\\s+(\\d+) kB.*", "$1"));
        int threads = Integer.parseInt(status.replaceAll("(?s).*Threads:\\s+(\\d+).*", "$1"));
        String sockets = run("ss", "-Htnp", "state", "established", "dport", "=", ":" + imapPort);
        int connections = (int) sockets.lines().filter(l -> l.contains("pid=" + pid + ",")).count();
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long runs = metrics.lines().filter(l -> l.startsWith("mailtidy_runs_total{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        return new Sample(since.toSeconds(), Math.round(used), rss, threads, connections, runs);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
