package org.mailtidy.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What each path answers, as the bytes of a whole HTTP/1.1 response (headers included). */
final class HttpAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswers.class);

    private final HttpEndpoints.Source source;

    HttpAnswers(HttpEndpoints.Source source) {
        this.source = source;
    }

    /** A plain-text answer that needs no source, for a request that is refused before it is read. */
    static byte[] plain(String method, int status, String body) {
        return encode(method, new Reply(status, "text/plain; charset=utf-8", body));
    }

    record Reply(int status, String contentType, String body) {
    }

    /** The whole answer to one request line, headers included. */
    byte[] answer(String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            return encode("GET", new Reply(400, "text/plain; charset=utf-8", "bad request\n"));
        }
        String method = parts[0];
        String path;
        try {
            path = new URI(parts[1]).getPath();
        } catch (URISyntaxException e) {
            return encode(method, new Reply(400, "text/plain; charset=utf-8", "bad request\n"));
        }
        Supplier<Reply> reply = switch (path == null ? "" : path) {
            case "/metrics" -> () -> new Reply(200, MetricsRegistry.CONTENT_TYPE, source.metrics());
            case "/healthz" -> () -> {
                HttpEndpoints.Health h = source.health();
                return new Reply(h.ok() ? 200 : 503, "text/plain; charset=utf-8", h.reason() + "\n");
            };
            case "/status" -> () -> new Reply(200, "application/json", source.statusJson() + "\n");
            case "/" -> () -> new Reply(200, "text/html; charset=utf-8", source.statusHtml());
            default -> null;
        };
        if (reply == null) {
            return encode(method, new Reply(404, "text/plain; charset=utf-8",
                    "not found; try /, /metrics, /healthz or /status\n"));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return encode(method, new Reply(405, "text/plain; charset=utf-8", "method not allowed\n"));
        }
        return encode(method, safely(reply));
    }

    private static byte[] encode(String method, Reply r) {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status()))
                .append("\r\nContent-Type: ").append(r.contentType())
                .append("\r\nContent-Length: ").append(body.length)
                .append("\r\nCache-Control: no-store\r\nConnection: close\r\n");
        if (r.status() == 405) {
            head.append("Allow: GET, HEAD\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (method.equals("HEAD")) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
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
