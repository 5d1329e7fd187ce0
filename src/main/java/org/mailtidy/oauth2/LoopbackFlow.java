package org.mailtidy.oauth2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The authorization-code grant with PKCE for a native app (RFC 8252 section 7.3, RFC 7636): the
 * browser is sent back to a one-off listener on the loopback address, which takes the code; the
 * code and the verifier are then exchanged for the refresh token. Google needs it: its device flow
 * does not grant the Gmail scope.
 */
public final class LoopbackFlow {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the client is registered and what it asks for; {@code port} 0 picks a free port. */
    public record Client(URI authorizationUrl, URI tokenUrl, String clientId, Optional<String> clientSecret,
                         Optional<String> scope, int port) {
        @Override
        public String toString() {
            return "Client[" + authorizationUrl + ", " + tokenUrl + ", " + clientId + ", port " + port + "]";
        }
    }

    /** The URL to open, and where the browser will be sent back to. */
    public record Prompt(URI authorizationRequest, URI redirectUri) {
    }

    private final TokenEndpoint endpoint;
    private final Duration wait;

    public LoopbackFlow(TokenEndpoint endpoint, Duration wait) {
        this.endpoint = endpoint;
        this.wait = wait;
    }

    /** Runs the flow; {@code show} gets the URL to open in a browser. Returns the refresh token. */
    public String run(Client client, Consumer<Prompt> show) throws OAuth2Exception, InterruptedException {
        String verifier = random();
        String state = random();
        CompletableFuture<Map<String, String>> redirect = new CompletableFuture<>();
        HttpServer server = listen(client.port(), redirect);
        try {
            URI redirectUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            show.accept(new Prompt(authorizationRequest(client, redirectUri, challenge(verifier), state), redirectUri));
            Map<String, String> answer = await(redirect);
            if (!state.equals(answer.get("state"))) {
                throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, "the browser came back with a wrong state"
                        + " parameter (RFC 6749 section 10.12); run the command again");
            }
            if (answer.containsKey("error")) {
                throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, "the authorization was refused: "
                        + answer.get("error") + "; run the command again to retry");
            }
            return exchange(client, answer.getOrDefault("code", ""), redirectUri, verifier);
        } finally {
            server.stop(0);
        }
    }

    /** RFC 6749 section 4.1.1 with RFC 7636 section 4.3; {@code access_type} and {@code prompt} make Google issue a refresh token. */
    private static URI authorizationRequest(Client client, URI redirectUri, String challenge, String state) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", client.clientId());
        q.put("redirect_uri", redirectUri.toString());
        client.scope().ifPresent(s -> q.put("scope", s));
        q.put("state", state);
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        q.put("access_type", "offline");
        q.put("prompt", "consent");
        String sep = client.authorizationUrl().getRawQuery() == null ? "?" : "&";
        return URI.create(client.authorizationUrl() + sep + FormEncoding.encode(q));
    }

    private String exchange(Client client, String code, URI redirectUri, String verifier)
            throws OAuth2Exception, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("client_id", client.clientId());
        client.clientSecret().ifPresent(s -> form.put("client_secret", s));
        form.put("code_verifier", verifier);
        TokenEndpoint.Answer answer = endpoint.post(client.tokenUrl(), form);
        if (!answer.ok()) {
            throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, client.tokenUrl() + " refused the authorization"
                    + " code: " + answer.describeError() + "; check client_id and client_secret, then run the command again");
        }
        return answer.text("refresh_token").filter(t -> !t.isEmpty()).orElseThrow(() ->
                new OAuth2Exception(OAuth2Exception.Kind.FAILED, client.tokenUrl() + " granted access but sent no"
                        + " refresh token; the scope must allow offline access"));
    }

    private Map<String, String> await(CompletableFuture<Map<String, String>> redirect)
            throws OAuth2Exception, InterruptedException {
        try {
            return redirect.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, "no answer from the browser within "
                    + wait.toMinutes() + " minutes; run the command again");
        } catch (ExecutionException e) {
            throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, "the browser's answer could not be read", e);
        }
    }

    private static HttpServer listen(int port, CompletableFuture<Map<String, String>> redirect) throws OAuth2Exception {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5);
            server.createContext("/", ex -> {
                Map<String, String> query = FormEncoding.decode(ex.getRequestURI().getRawQuery());
                if (!query.containsKey("code") && !query.containsKey("error")) {
                    reply(ex, 404, "Not the OAuth2 redirect.");
                    return;
                }
                reply(ex, 200, "mailtidy received the answer; you can close this window.");
                redirect.complete(query);
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, "cannot listen on 127.0.0.1:" + port + " for the"
                    + " browser's redirect: " + e.getMessage(), e);
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }


    /** RFC 7636 section 4.1: 32 random octets, base64url without padding (43 characters). */
    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
