package org.mailtidy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
}
