package org.mailtidy.oauth2;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.mailtidy.json.JsonReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Form-encoded POSTs to an authorization server (RFC 6749 sections 3.2 and 6, RFC 8628 section 3.1)
 * with the JDK HTTP client. A time-out, a network error, a 5xx or a 429 answer is retried with a
 * growing pause; any other answer is returned as it is, for the caller to read (an OAuth error
 * such as {@code authorization_pending} is a normal answer in the device flow). Only the URL, the
 * grant type and the status are logged, never the form or the answer.
 */
public final class TokenEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final int MAX_ANSWER_CHARS = 64 * 1024;

    /** Time-outs and retries. */
    public record Settings(Duration connectTimeout, Duration requestTimeout, int attempts, Duration firstPause) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(20), 3,
                Duration.ofSeconds(2));

        public Settings {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }
    }

    /** An answer that is not a transport failure: the HTTP status and the JSON object it carried. */
    public record Answer(int status, Map<String, Object> body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public Optional<String> text(String key) {
            Object v = body.get(key);
            return v == null ? Optional.empty() : Optional.of(v instanceof Double d && d == Math.rint(d)
                    ? Long.toString(d.longValue()) : v.toString());
        }

        /** {@code error} and, if given, {@code error_description} (RFC 6749 section 5.2). */
        public String describeError() {
            String error = text("error").orElse("HTTP " + status);
            return text("error_description").map(d -> error + " (" + d + ")").orElse(error);
        }

        @Override
        public String toString() {
            return "Answer[status=" + status + ", keys=" + body.keySet() + "]";
        }
    }

    private final Settings settings;
    /**
     * Made at the first request: building an HttpClient sets up TLS (about 900 classes, 0.3 s of a
     * 1-second `once`), which a run whose accounts use passwords never needs.
     */
    private HttpClient client;

    public TokenEndpoint(Settings settings) {
        this.settings = settings;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return client;
    }

    public static TokenEndpoint standard() {
        return new TokenEndpoint(Settings.DEFAULT);
    }

    /** POSTs {@code form} to {@code url}, retrying transient failures. */
    public Answer post(URI url, Map<String, String> form) throws OAuth2Exception, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(FormEncoding.encode(form))).build();
        String grant = form.getOrDefault("grant_type", "device authorization");
        Duration pause = settings.firstPause();
        String lastProblem = "";
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            if (attempt > 1) {
                LOG.info("{} failed ({}); attempt {} of {} in {} ms", url, lastProblem, attempt, settings.attempts(),
                        pause.toMillis());
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2);
            }
            try {
                LOG.debug("POST {} ({})", url, grant);
                HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
                LOG.debug("POST {} answered HTTP {}", url, response.statusCode());
                if (response.statusCode() >= 500 || response.statusCode() == 429) {
                    lastProblem = "HTTP " + response.statusCode();
                    continue;
                }
                return new Answer(response.statusCode(), parse(url, response));
            } catch (HttpTimeoutException e) {
                lastProblem = "no answer within " + shortly(settings.requestTimeout());
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        throw new OAuth2Exception(OAuth2Exception.Kind.UNAVAILABLE, "the token endpoint " + url + " failed "
                + settings.attempts() + " times (last: " + lastProblem + "); mailtidy tries again at the next run");
    }

    private static Map<String, Object> parse(URI url, HttpResponse<String> response) throws OAuth2Exception {
        String body = response.body();
        if (body.length() > MAX_ANSWER_CHARS) {
            throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, url + " answered HTTP " + response.statusCode()
                    + " with " + body.length() + " characters, too many for a token answer");
        }
        try {
            return JsonReader.parseObject(body);
        } catch (IllegalArgumentException e) {
            throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, url + " answered HTTP " + response.statusCode()
                    + " without a JSON object (" + e.getMessage() + "); is token_url right?");
        }
    }

    private static String shortly(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

}
