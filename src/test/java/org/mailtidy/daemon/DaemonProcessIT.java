package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailtidy.testsupport.Await.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/** {@code mailtidy run} as a real process, stopped and reloaded by real signals. */
@Tag("dovecot")
class DaemonProcessIT {
    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void sighupReloadsAndSigtermStopsCleanlyWithExitStatusZero() throws Exception {
        String user = dovecot.newUser("daemon-proc");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("alpha"), TestMessage.of("beta")));
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path config = dir.resolve("mailtidy.yaml");
        String head = "version: 1\naccounts:\n  a: {host: 127.0.0.1, port: " + dovecot.imapPort()
                + ", tls: none, username: " + user + ", password: " + Dovecot.password(user) + "}\n"
                + "http: {listen: 127.0.0.1:" + httpPort + "}\nrules:\n";
        Files.writeString(config, head
                + "  - {name: alpha, schedule: every 1s, match: {subject: alpha}, add_flags: [A]}\n");
        Path log = dir.resolve("stderr.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // the file watcher waits for an hour of quiet: only SIGHUP can reload here
                "-Dmailtidy.watch_debounce=1h", "-Dmailtidy.stop_grace=20s",
                "org.mailtidy.cli.Main", "run", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("rule alpha", Duration.ofSeconds(30), () -> flagged(user, "A") == 1);

            Files.writeString(config, head
                    + "  - {name: beta, schedule: every 1s, match: {subject: beta}, add_flags: [B]}\n");
            signal(p, "HUP");
            await("rule beta after SIGHUP", Duration.ofSeconds(15), () -> flagged(user, "B") == 1);
            String status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(status).contains("\"trigger\":\"SIGHUP\"", "\"ok\":true");

            signal(p, "TERM");
            assertThat(p.waitFor(25, TimeUnit.SECONDS)).as("exited within the grace period").isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("reloaded", "stopping", "stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    private long flagged(String user, String flag) {
        return dovecot.fetch(user, "INBOX").stream().filter(m -> m.flags().contains(flag)).count();
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
