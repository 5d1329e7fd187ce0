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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.Connections;
import org.mailtidy.testsupport.Await;
import org.mailtidy.schedule.Backoff;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * The status page as a person sees it: a daemon against the private Dovecot (one good account, one
 * whose server refuses connections), the page loaded by headless Chromium, its rendered DOM checked
 * and a screenshot kept at {@code target/status-page.png}.
 */
@Tag("dovecot")
class StatusPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final DaemonOptions FAST = DaemonOptions.defaults().withStopGrace(Duration.ofSeconds(15))
            .withBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2));

    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    @Test
    void aPersonSeesEachAccountEachMailboxsLastRunAndTheFailingAccountsError() throws Exception {
        assertThat(CHROMIUM).as("bin/test installs Debian's chromium").isExecutable();
        String user = dovecot.newUser("page");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("news 1"), TestMessage.of("news 2"),
                TestMessage.of("other <b>not bold</b>")));
        int httpPort = freePort();
        int closedPort = freePort();
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, "version: 1\naccounts:\n"
                + "  good: {host: 127.0.0.1, port: " + dovecot.imapPort() + ", tls: none, username: " + user
                + ", password: " + Dovecot.password(user) + "}\n"
                + "  broken: {host: 127.0.0.1, port: " + closedPort + ", tls: none, username: x, password: y,"
                + " connect_timeout: 2s}\n"
                + "http: {listen: 127.0.0.1:" + httpPort + "}\n"
                + "defaults: {schedule: every 1h, timezone: UTC}\nrules:\n"
                + "  - {name: tag-news, account: good, match: {subject: news}, add_flags: [Archived]}\n"
                + "  - {name: read-all, account: broken, match: {all_messages: true}, add_flags: ['\\Seen']}\n");
        Daemon daemon = new Daemon(config, FAST, Connections::open, Clock.systemUTC());
        daemon.start();
        cleanup.add(daemon::stop);

        Await.await("the good run and the broken account's failure", Duration.ofSeconds(20), () -> {
            String s = daemon.statusJson();
            return s.contains("\"status\":\"ok\"") && s.contains("\"failing_since\":\"20");
        });
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://")
                .contains("http-equiv=\"refresh\"");

        Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        String url = "http://127.0.0.1:" + httpPort + "/";
        String dom = chromium("--dump-dom", url);
        chromium("--window-size=1400,900", "--screenshot=" + screenshot, url);

        assertThat(dom).contains("<h1>mailtidy</h1>", "Scheduler <span class=\"ok\">running</span>",
                config.toString(), "<td>good</td>", "<td>broken</td>", "<span class=\"ok\">connected</span>",
                "<td>INBOX</td>", "every 1h", "tag-news: 2 / 2 / 0 / 0 / 0", "<span class=\"ok\">ok</span>",
                "<span class=\"ok\">up</span>", "<span class=\"bad\">down</span>");
        assertThat(dom).containsPattern("<span class=\"bad\">[a-z_]+</span>")
                .containsPattern("<td class=\"err\">[^<]*" + closedPort);
        assertThat(screenshot).isRegularFile();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private String chromium(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("chromium")));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectError(dir.resolve("chromium.log").toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("chromium.log"))).isZero();
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
