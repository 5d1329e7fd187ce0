package org.mailtidy.oauth2;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-authorization grant (RFC 8628): ask for a user code, show it, then poll the token
 * endpoint until the user has approved in a browser, and return the refresh token.
 */
public final class DeviceFlow {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceFlow.class);
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    /** RFC 8628 section 3.2: the polling interval when the server names none. */
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** Section 3.5: {@code slow_down} adds 5 seconds to the interval. */
    private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

    /** Where the client is registered and what it asks for. */
    public record Client(URI deviceAuthorizationUrl, URI tokenUrl, String clientId, Optional<String> clientSecret,
                         Optional<String> scope) {
        @Override
        public String toString() {
            return "Client[" + deviceAuthorizationUrl + ", " + tokenUrl + ", " + clientId + "]";
        }
    }

    /** What the user must do (section 3.3). */
    public record Prompt(String userCode, String verificationUri, Optional<String> verificationUriComplete,
                         Duration expiresIn) {
    }

    private final TokenEndpoint endpoint;
    private final Clock clock;

    public DeviceFlow(TokenEndpoint endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** Runs the flow; {@code show} gets the user code to display. Returns the refresh token. */
    public String run(Client client, Consumer<Prompt> show) throws OAuth2Exception, InterruptedException {
        TokenEndpoint.Answer start = endpoint.post(client.deviceAuthorizationUrl(), authorizationForm(client));
        if (!start.ok()) {
            throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, client.deviceAuthorizationUrl()
                    + " refused the device authorization: " + start.describeError() + "; check client_id and scope"
                    + " (the client must be registered for the device flow)");
        }
        String deviceCode = required(start, "device_code", client.deviceAuthorizationUrl());
        // Google answers verification_url, the name of an earlier draft of RFC 8628.
        String verification = start.text("verification_uri").or(() -> start.text("verification_url"))
                .orElseThrow(() -> missing("verification_uri", client.deviceAuthorizationUrl()));
        Duration expiresIn = start.text("expires_in").map(Long::parseLong).map(Duration::ofSeconds)
                .orElse(Duration.ofMinutes(10));
        show.accept(new Prompt(required(start, "user_code", client.deviceAuthorizationUrl()), verification,
                start.text("verification_uri_complete"), expiresIn));
        Duration interval = start.text("interval").map(Long::parseLong).map(Duration::ofSeconds).orElse(DEFAULT_INTERVAL);
        return poll(client, deviceCode, interval, clock.instant().plus(expiresIn));
    }

    /** Section 3.4 and 3.5: poll at the interval until approval, denial or expiry. */
    private String poll(Client client, String deviceCode, Duration interval, Instant deadline)
            throws OAuth2Exception, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("device_code", deviceCode);
        form.put("client_id", client.clientId());
        client.clientSecret().ifPresent(s -> form.put("client_secret", s));
        while (true) {
            Thread.sleep(interval.toMillis());
            if (clock.instant().isAfter(deadline)) {
                throw expired();
            }
            TokenEndpoint.Answer answer = endpoint.post(client.tokenUrl(), form);
            if (answer.ok()) {
                return answer.text("refresh_token").filter(t -> !t.isEmpty()).orElseThrow(() ->
                        new OAuth2Exception(OAuth2Exception.Kind.FAILED, client.tokenUrl() + " granted access but sent"
                                + " no refresh token; the scope must allow offline access (Microsoft: offline_access)"));
            }
            String error = answer.text("error").orElse("");
            switch (error) {
                case "authorization_pending" -> LOG.debug("waiting for the user to approve");
                case "slow_down" -> interval = interval.plus(SLOW_DOWN);
                case "access_denied" -> throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED,
                        "the authorization was denied in the browser; run the command again to retry");
                case "expired_token" -> throw expired();
                default -> throw new OAuth2Exception(OAuth2Exception.Kind.REJECTED, client.tokenUrl()
                        + " refused the device code: " + answer.describeError());
            }
        }
    }

    private static Map<String, String> authorizationForm(Client client) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", client.clientId());
        client.scope().ifPresent(s -> form.put("scope", s));
        return form;
    }

    private static String required(TokenEndpoint.Answer answer, String key, URI from) throws OAuth2Exception {
        return answer.text(key).filter(v -> !v.isEmpty()).orElseThrow(() -> missing(key, from));
    }

    private static OAuth2Exception missing(String key, URI from) {
        return new OAuth2Exception(OAuth2Exception.Kind.FAILED, from + " answered without " + key);
    }

    private static OAuth2Exception expired() {
        return new OAuth2Exception(OAuth2Exception.Kind.REJECTED,
                "the code expired before it was approved; run the command again");
    }
}
