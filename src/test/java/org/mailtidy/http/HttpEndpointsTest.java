package org.mailtidy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
    private final AtomicReference<HttpEndpoints.Health> health = new AtomicReference<>(HttpEndpoints.Health.healthy());
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpEndpoints endpoints;

    @BeforeEach
    void start() throws Exception {
        endpoints = HttpEndpoints.start("127.0.0.1", 0, new HttpEndpoints.Source() {
            @Override
            public String metrics() {
                return "# TYPE mailtidy_up gauge\nmailtidy_up 1\n";
            }

            @Override
            public HttpEndpoints.Health health() {
                return health.get();
            }

            @Override
            public String statusJson() {
                return "{\"scheduler\":\"running\"}";
            }

            @Override
            public String statusHtml() {
                return "<!DOCTYPE html><title>mailtidy status</title>";
            }
        });
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + endpoints.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("# TYPE mailtidy_up gauge\nmailtidy_up 1\n");
    }

    @Test
    void healthIs200Or503WithTheReason() throws Exception {
        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
        health.set(HttpEndpoints.Health.unhealthy("account work has failed to connect since ..."));
        HttpResponse<String> r = send("GET", "/healthz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("account work has failed to connect since ...\n");
    }

    @Test
    void statusIsJson() throws Exception {
        HttpResponse<String> r = send("GET", "/status");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"scheduler\":\"running\"}\n");
    }

    @Test
    void theRootIsTheStatusPage() throws Exception {
        HttpResponse<String> r = send("GET", "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).isEqualTo("<!DOCTYPE html><title>mailtidy status</title>");
    }

    @Test
    void onlyReadsAndOnlyItsPaths() throws Exception {
        assertThat(send("POST", "/metrics").statusCode()).isEqualTo(405);
        assertThat(send("HEAD", "/healthz").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics/x").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/admin").statusCode()).isEqualTo(404);
    }

    @Test
    void halfSentAndIdleRequestsNeverKeepHealthFromAnswering() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // more than the connection limit: idle clients, and clients that stop in the middle of the head
            for (int i = 0; i < HttpEndpoints.MAX_CONNECTIONS + 8; i++) {
                Socket s = new Socket("127.0.0.1", endpoints.address().getPort());
                if (i % 2 == 0) {
                    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
                slow.add(s);
            }
            HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (String path : List.of("/healthz", "/metrics", "/status")) {
                HttpResponse<String> r = fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + endpoints.address().getPort() + path)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsDisconnected() throws Exception {
        try (Socket s = new Socket("127.0.0.1", endpoints.address().getPort())) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // generous: the server's own deadline is REQUEST_TIMEOUT; this only bounds a broken test
            s.setSoTimeout((int) HttpEndpoints.REQUEST_TIMEOUT.toMillis() * 4);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void anOversizedHeadIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", endpoints.address().getPort())) {
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nX: " + "a".repeat(HttpEndpoints.MAX_HEAD_BYTES))
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 431 ");
        } catch (java.net.SocketException e) {
            // the server may close while the rest of the oversized head is still being sent: refused too
            assertThat(e).hasMessageContaining("reset");
        }
    }
}
