package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.GreenMailServer;

/**
 * {@code mailtidy run} with 1,000 mailboxes (10 accounts of 100, each its own job, all firing
 * every 2 s) under the systemd unit's JVM options: the threads stay bounded by the accounts, far
 * under the unit's {@code TasksMax}, however many firings wait (one thread per firing went past
 * {@code TasksMax=256} at about 300 mailboxes). Peak threads and RSS are printed.
 */
class ThousandMailboxesProcessIT {
    private static final int ACCOUNTS = 10;
    private static final int MAILBOXES_PER_ACCOUNT = 100;

    @TempDir
    Path dir;

    @Test
    void threadsStayBoundedByTheAccountsNotTheMailboxes() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Process p = null;
        try (GreenMailServer server = GreenMailServer.start()) {
            StringBuilder accounts = new StringBuilder();
            StringBuilder rules = new StringBuilder();
            for (int a = 0; a < ACCOUNTS; a++) {
                String user = server.newUser("many");
                accounts.append("  a").append(a).append(": {host: 127.0.0.1, port: ").append(server.port())
                        .append(", tls: none, username: ").append(user).append(", password: '")
                        .append(GreenMailServer.password(user)).append("'}\n");
                List<String> names = new ArrayList<>();
                for (int m = 0; m < MAILBOXES_PER_ACCOUNT; m++) {
                    String name = String.format("box%03d", m);
                    server.createMailbox(user, name);
                    names.add(name);
                }
                rules.append("  - {name: r").append(a).append(", account: a").append(a).append(", mailboxes: [")
                        .append(String.join(", ", names))
                        .append("], schedule: every 2s, match: {subject: x}, add_flags: [Seen2]}\n");
            }
            Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\naccounts:\n" + accounts
                    + "http: {listen: 127.0.0.1:" + httpPort + "}\nrules:\n" + rules);
            Path log = dir.resolve("daemon.log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            command.addAll(HostileDaemonProcessIT.unitJavaOptions());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mailtidy.cli.Main", "run", "-c",
                    config.toString(), "--state-dir", "none"));
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HostileDaemonProcessIT.Sampler sampler = new HostileDaemonProcessIT.Sampler(p.pid());
            HttpClient http = HttpClient.newHttpClient();
            Pattern runs = Pattern.compile("(?m)^mailtidy_runs_total\\{[^}]*} (\\d+)$");
            long total = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // until every mailbox has run at least twice on average: by then every job has fired many times
            while (total < 2L * ACCOUNTS * MAILBOXES_PER_ACCOUNT) {
                if (!p.isAlive()) {
                    throw new AssertionError("the daemon ended: " + Files.readString(log, StandardCharsets.UTF_8));
                }
                assertThat(System.nanoTime() - deadline).as("runs so far: %d", total).isNegative();
                sampler.sample();
                try {
                    Matcher m = runs.matcher(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
                    total = 0;
                    while (m.find()) {
                        total += Long.parseLong(m.group(1));
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                Thread.sleep(250); // polling interval of the condition
            }
            sampler.sample();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mailtidy_run_threads " + ACCOUNTS).contains("mailtidy_runs_waiting ");
            System.out.printf("1,000 mailboxes: %d runs; peak threads %d (running mailboxes: %d), peak RSS %.1f MB%n",
                    total, sampler.peakThreads, sampler.peakRunThreads, sampler.peakRssKb / 1024.0);
            assertThat(sampler.peakRunThreads).as("threads running mailboxes: one per account")
                    .isBetween(1L, (long) ACCOUNTS);
            // all threads: the JVM's own (their number grows with the machine's cores), Quartz (2 + scheduler),
            // the run threads, HTTP (3), file watcher, housekeeping
            assertThat(sampler.peakThreads).isLessThan(HostileDaemonProcessIT.unitValue("TasksMax", "") / 2);
            assertThat(sampler.peakRssKb).isLessThan(HostileDaemonProcessIT.unitValue("MemoryMax", "M") * 1024);
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
