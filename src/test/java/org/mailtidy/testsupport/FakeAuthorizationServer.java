package org.mailtidy.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mailtidy.oauth2.FormEncoding;

/**
 * An OAuth2 authorization server for tests (JDK HttpServer on a free loopback port): a token
 * endpoint (refresh and device-code grants, RFC 6749 section 6, RFC 8628 section 3.4), a device
 * authorization endpoint (RFC 8628 section 3.1) and a token introspection endpoint (RFC 7662) that
 * Dovecot's oauth2 passdb asks at every login. Access tokens really expire; refresh tokens can be
 * revoked; answers can be delayed to provoke client time-outs.
 */
public final class FakeAuthorizationServer implements AutoCloseable, AfterAllCallback {
    public static final String CLIENT_ID = "mailtidy-test-client";
    public static final String CLIENT_SECRET = "test-client-secret";
    private static FakeAuthorizationServer shared;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-oauth2");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Issued> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Authorization> codes = new ConcurrentHashMap<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger delayedRequests = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;

    private record Grant(String user, String refreshToken, Duration lifetime, Duration reportedLifetime,
                         boolean rotate, boolean revoked) {
    }

    private record Issued(String user, String refreshToken, Instant expiresAt) {
    }

    private record Authorization(String user, String clientId, String redirectUri, String challenge) {
    }

    private static final class Device {
        final String userCode;
        volatile String approvedUser;
        volatile boolean denied;

        Device(String userCode) {
            this.userCode = userCode;
        }
    }

    private FakeAuthorizationServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/token", this::token);
        server.createContext("/device", this::device);
        server.createContext("/authorize", this::authorize);
        server.createContext("/introspect", this::introspect);
        server.start();
    }

    public static FakeAuthorizationServer start() {
        try {
            return new FakeAuthorizationServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One instance per test JVM, for the Dovecot that asks its introspection endpoint. */
    public static synchronized FakeAuthorizationServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    public URI tokenUrl() {
        return url("/token");
    }

    public URI deviceUrl() {
        return url("/device");
    }

    public URI authorizeUrl() {
        return url("/authorize");
    }

    public URI introspectionUrl() {
        return url("/introspect");
    }

    /**
     * A refresh token for {@code user}; its access tokens live {@code lifetime} but the answers
     * claim {@code reportedLifetime}; with {@code rotate} every refresh answer carries a new refresh token.
     */
    public String grant(String user, Duration lifetime, Duration reportedLifetime, boolean rotate) {
        String token = "rt-" + UUID.randomUUID();
        refreshTokens.put(token, new Grant(user, token, lifetime, reportedLifetime, rotate, false));
        issued.add(token);
        return token;
    }

    public String grant(String user, Duration lifetime) {
        return grant(user, lifetime, lifetime, false);
    }

    /** Revokes the refresh token and every access token issued from it. */
    public void revoke(String refreshToken) {
        refreshTokens.computeIfPresent(refreshToken, (k, g) -> new Grant(g.user(), g.refreshToken(), g.lifetime(),
                g.reportedLifetime(), g.rotate(), true));
        accessTokens.values().removeIf(i -> i.refreshToken().equals(refreshToken));
    }

    /** Ends every access token of {@code user} now, as a provider that ends a session early does. */
    public void endSessionsOf(String user) {
        accessTokens.replaceAll((token, i) -> i.user().equals(user) ? new Issued(i.user(), i.refreshToken(), Instant.EPOCH) : i);
    }

    /** The next {@code count} requests to the token endpoint answer only after {@code delay}. */
    public void delayNext(int count, Duration delay) {
        this.delay = delay;
        delayedRequests.set(count);
    }

    /** An access token for {@code user} minted directly, valid for {@code lifetime}. */
    public String accessToken(String user, Duration lifetime) {
        String token = "at-" + UUID.randomUUID();
        accessTokens.put(token, new Issued(user, "", Instant.now().plus(lifetime)));
        issued.add(token);
        return token;
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public int introspections() {
        return introspections.get();
    }

    /** Every token this server handed out, to check that none reached a log. */
    public List<String> issuedTokens() {
        return new ArrayList<>(issued);
    }

    /** The user codes of device authorizations that await approval. */
    public List<String> pendingUserCodes() {
        return devices.values().stream().filter(d -> d.approvedUser == null && !d.denied).map(d -> d.userCode).toList();
    }

    public void approve(String userCode, String user) {
        devices.values().stream().filter(d -> d.userCode.equals(userCode)).forEach(d -> d.approvedUser = user);
    }

    public void deny(String userCode) {
        devices.values().stream().filter(d -> d.userCode.equals(userCode)).forEach(d -> d.denied = true);
    }

    /** The user a refresh token belongs to, or null if unknown or revoked. */
    public String userOfRefreshToken(String refreshToken) {
        Grant g = refreshTokens.get(refreshToken);
        return g == null || g.revoked() ? null : g.user();
    }

    /**
     * A server of a test class's own: {@code @RegisterExtension static final FakeAuthorizationServer
     * auth = FakeAuthorizationServer.start();} stops it after the class's tests.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- endpoints ----

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.incrementAndGet();
        if (delayedRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            sleep(delay);
        }
        Map<String, String> form = form(ex);
        if (!CLIENT_ID.equals(form.get("client_id"))
                || (form.containsKey("client_secret") && !CLIENT_SECRET.equals(form.get("client_secret")))) {
            answer(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        switch (form.getOrDefault("grant_type", "")) {
            case "refresh_token" -> refresh(ex, form.getOrDefault("refresh_token", ""));
            case "urn:ietf:params:oauth:grant-type:device_code" -> deviceToken(ex, form.getOrDefault("device_code", ""));
            case "authorization_code" -> authorizationCode(ex, form);
            default -> answer(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private void refresh(HttpExchange ex, String refreshToken) throws IOException {
        Grant g = refreshTokens.get(refreshToken);
        if (g == null || g.revoked()) {
            answer(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
            return;
        }
        String access = "at-" + UUID.randomUUID();
        accessTokens.put(access, new Issued(g.user(), refreshToken, Instant.now().plus(g.lifetime())));
        issued.add(access);
        String rotated = "";
        if (g.rotate()) {
            String next = "rt-" + UUID.randomUUID();
            refreshTokens.remove(refreshToken);
            refreshTokens.put(next, new Grant(g.user(), next, g.lifetime(), g.reportedLifetime(), true, false));
            accessTokens.replaceAll((k, i) -> i.refreshToken().equals(refreshToken)
                    ? new Issued(i.user(), next, i.expiresAt()) : i);
            issued.add(next);
            rotated = ",\"refresh_token\":\"" + next + "\"";
        }
        answer(ex, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + g.reportedLifetime().toSeconds() + rotated + ",\"scope\":\"mail\"}");
    }

    private void device(HttpExchange ex) throws IOException {
        Map<String, String> form = form(ex);
        if (!CLIENT_ID.equals(form.get("client_id"))) {
            answer(ex, 400, "{\"error\":\"invalid_client\"}");
            return;
        }
        String deviceCode = "dc-" + UUID.randomUUID();
        String userCode = "WDJB-" + (1000 + devices.size());
        devices.put(deviceCode, new Device(userCode));
        answer(ex, 200, "{\"device_code\":\"" + deviceCode + "\",\"user_code\":\"" + userCode + "\","
                + "\"verification_uri\":\"" + url("/activate") + "\",\"expires_in\":600,\"interval\":1}");
    }

    private void deviceToken(HttpExchange ex, String deviceCode) throws IOException {
        Device d = devices.get(deviceCode);
        if (d == null) {
            answer(ex, 400, "{\"error\":\"invalid_grant\"}");
        } else if (d.denied) {
            answer(ex, 400, "{\"error\":\"access_denied\"}");
        } else if (d.approvedUser == null) {
            answer(ex, 400, "{\"error\":\"authorization_pending\"}");
        } else {
            devices.remove(deviceCode);
            String refresh = grant(d.approvedUser, Duration.ofMinutes(10));
            String access = accessToken(d.approvedUser, Duration.ofMinutes(10));
            answer(ex, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                    + "\"refresh_token\":\"" + refresh + "\"}");
        }
    }

    /**
     * The browser's visit (RFC 6749 section 4.1.1): the user named {@code login_hint} (or "browser-user")
     * approves at once and is redirected back with a code bound to the PKCE challenge.
     */
    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = FormEncoding.decode(ex.getRequestURI().getRawQuery());
        String code = "code-" + UUID.randomUUID();
        codes.put(code, new Authorization(q.getOrDefault("login_hint", "browser-user"), q.get("client_id"),
                q.get("redirect_uri"), q.get("code_challenge")));
        boolean pkce = "S256".equals(q.get("code_challenge_method")) && "offline".equals(q.get("access_type"));
        String location = q.get("redirect_uri") + "?" + (pkce ? "code=" + code : "error=invalid_request")
                + "&state=" + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    /** RFC 6749 section 4.1.3 with the RFC 7636 section 4.6 check of the verifier. */
    private void authorizationCode(HttpExchange ex, Map<String, String> form) throws IOException {
        Authorization a = codes.remove(form.getOrDefault("code", ""));
        if (a == null || !a.redirectUri().equals(form.get("redirect_uri")) || !a.clientId().equals(form.get("client_id"))
                || !a.challenge().equals(s256(form.getOrDefault("code_verifier", "")))) {
            answer(ex, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String refresh = grant(a.user(), Duration.ofMinutes(10));
        answer(ex, 200, "{\"access_token\":\"" + accessToken(a.user(), Duration.ofMinutes(10)) + "\","
                + "\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"" + refresh + "\"}");
    }

    private static String s256(String verifier) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    /** RFC 7662 section 2.2: {@code active} and, for Dovecot's username_attribute, the user. */
    private void introspect(HttpExchange ex) throws IOException {
        introspections.incrementAndGet();
        Issued i = accessTokens.get(form(ex).getOrDefault("token", ""));
        if (i == null || Instant.now().isAfter(i.expiresAt())) {
            answer(ex, 200, "{\"active\":false}");
        } else {
            answer(ex, 200, "{\"active\":true,\"username\":\"" + i.user() + "\"}");
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        return FormEncoding.decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            // a client that timed out closed the connection; nothing to answer
        } finally {
            ex.close();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
