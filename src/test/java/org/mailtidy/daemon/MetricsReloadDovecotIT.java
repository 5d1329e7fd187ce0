package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.Connections;
import org.mailtidy.packaging.DeployFilesTest;
import org.mailtidy.testsupport.Await;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/** /metrics of a daemon on Dovecot: the process's own series, and no series of what a reload removed. */
@Tag("dovecot")
class MetricsReloadDovecotIT {
    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aMailboxAndRuleRemovedByAReloadLeaveMetricsAndBuildAndJvmMetricsAreThere() throws Exception {
        String user = dovecot.newUser("metrics");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("news 1")));
        dovecot.writeMaildir(user, "Lists/dev", List.of(TestMessage.of("news 2")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("mailtidy.yaml");
        String head = "version: 1\naccounts:\n  a: {host: 127.0.0.1, port: " + dovecot.imapPort() + ", tls: none,"
                + " username: " + user + ", password: " + Dovecot.password(user) + "}\n"
                + "http: {listen: 127.0.0.1:" + port + "}\ndefaults: {schedule: every 1h, timezone: UTC}\nrules:\n"
                + "  - {name: inbox-news, account: a, match: {subject: news}, add_flags: [Seen1]}\n";
        write(config, head + "  - {name: list-news, account: a, mailbox: Lists/dev, match: {subject: news},"
                + " add_flags: [Seen2]}\n");
        Daemon daemon = new Daemon(config, DaemonOptions.defaults().withStopGrace(Duration.ofSeconds(15)),
                Connections::open, Clock.systemUTC());
        daemon.start();
        try {
            String listSeries = "mailtidy_runs_total{account=\"a\",mailbox=\"Lists/dev\"}";
            Await.await("both mailboxes' first runs", Duration.ofSeconds(15),
                    () -> daemon.metrics().contains(listSeries)
                            && daemon.metrics().contains("mailtidy_runs_total{account=\"a\",mailbox=\"INBOX\"}"));
            String before = get(port);
            assertThat(before).contains("mailtidy_messages_changed_total{account=\"a\",rule=\"list-news\"} 1",
                    "mailtidy_last_success_timestamp_seconds{account=\"a\",mailbox=\"Lists/dev\"}");
            assertThat(before).containsPattern("mailtidy_build_info\\{version=\"[^\"]+\",java=\"17[^\"]*\"} 1")
                    .contains("jvm_memory_used_bytes{area=\"heap\"}", "process_cpu_seconds_total",
                            "jvm_threads_current", "process_resident_memory_bytes");

            for (String name : DeployFilesTest.metricNames()) {
                String family = name.replaceAll("_(bucket|count|sum)$", "");
                assertThat(before).as("deploy/ uses " + name).contains("# TYPE " + family + " ");
            }

            write(config, head);
            Await.await("the reload", Duration.ofSeconds(15),
                    () -> daemon.statusJson().contains("\"ok\":true"));
            String after = get(port);
            assertThat(after).doesNotContain("mailbox=\"Lists/dev\"").doesNotContain("rule=\"list-news\"")
                    .contains("mailtidy_runs_total{account=\"a\",mailbox=\"INBOX\"}",
                            "mailtidy_messages_changed_total{account=\"a\",rule=\"inbox-news\"} 1");
        } finally {
            assertThat(daemon.stop()).isZero();
        }
    }

    private String get(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private void write(Path config, String text) throws Exception {
        Path tmp = dir.resolve("mailtidy.yaml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
