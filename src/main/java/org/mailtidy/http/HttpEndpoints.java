package org.mailtidy.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /} (the status page, HTML), {@code /metrics} (Prometheus text), {@code /healthz} (200 or
 * 503 with the reason) and {@code /status} (JSON) on the JDK's HTTP server. Read-only: only GET and HEAD are answered.
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    /** The answer of {@code /healthz}. */
    public record Health(boolean ok, String reason) {
        public static Health healthy() {
            return new Health(true, "ok");
        }

        public static Health unhealthy(String reason) {
            return new Health(false, reason);
        }
    }

    /** What the endpoints show; each call is a fresh snapshot. */
    public interface Source {
        String metrics();

        Health health();

        String statusJson();

        /** The status page for a person, HTML. */
        String statusHtml();
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoints(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving. */
    public static HttpEndpoints start(String host, int port, Source source) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-" + port);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> answer(ex, "/metrics",
                () -> new Reply(200, MetricsRegistry.CONTENT_TYPE, source.metrics())));
        server.createContext("/healthz", ex -> answer(ex, "/healthz", () -> {
            Health h = source.health();
            return new Reply(h.ok() ? 200 : 503, "text/plain; charset=utf-8", h.reason() + "\n");
        }));
        server.createContext("/status", ex -> answer(ex, "/status",
                () -> new Reply(200, "application/json", source.statusJson() + "\n")));
        server.createContext("/", ex -> answer(ex, "/", () -> ex.getRequestURI().getPath().equals("/")
                ? new Reply(200, "text/html; charset=utf-8", source.statusHtml())
                : new Reply(404, "text/plain; charset=utf-8", "not found; try /, /metrics, /healthz or /status\n")));
        server.start();
        LOG.info("serving the status page, /metrics, /healthz and /status on http://{}:{}/", host,
                server.getAddress().getPort());
        return new HttpEndpoints(server, executor);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Reply(int status, String contentType, String body) {
    }

    private static void answer(HttpExchange ex, String path, Supplier<Reply> reply) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            Reply r;
            if (!ex.getRequestURI().getPath().equals(path) && !path.equals("/")) {
                r = new Reply(404, "text/plain; charset=utf-8", "not found\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                r = new Reply(405, "text/plain; charset=utf-8", "method not allowed\n");
            } else {
                r = safely(reply);
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(r.status(), -1);
                return;
            }
            ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static Reply safely(Supplier<Reply> reply) {
        try {
            return reply.get();
        } catch (RuntimeException e) {
            LOG.error("answering an HTTP request", e);
            return new Reply(500, "text/plain; charset=utf-8", "internal error: " + e + "\n");
        }
    }
}
