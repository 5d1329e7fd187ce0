package org.mailtidy.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The OAuth2 presets that {@code provider:} names: the endpoints, scope and IMAP host of the two
 * providers that accept no passwords any more. Both accept XOAUTH2; Gmail also OAUTHBEARER.
 */
public enum OAuth2Provider {
    /** Google's device flow does not grant the Gmail scope, so its login uses the browser (loopback) flow. */
    GOOGLE("https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/v2/auth", null,
            "https://mail.google.com/", "imap.gmail.com"),
    MICROSOFT("https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
            "https://outlook.office.com/IMAP.AccessAsUser.All offline_access", "outlook.office365.com");

    private final String tokenUrl;
    private final String authorizationUrl;
    private final String deviceAuthorizationUrl;
    private final String scope;
    private final String imapHost;

    OAuth2Provider(String tokenUrl, String authorizationUrl, String deviceAuthorizationUrl, String scope,
                   String imapHost) {
        this.tokenUrl = tokenUrl;
        this.authorizationUrl = authorizationUrl;
        this.deviceAuthorizationUrl = deviceAuthorizationUrl;
        this.scope = scope;
        this.imapHost = imapHost;
    }

    /** The name used in the configuration ({@code google}, {@code microsoft}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<OAuth2Provider> byId(String id) {
        for (OAuth2Provider p : values()) {
            if (p.id().equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public String tokenUrl() {
        return tokenUrl;
    }

    /** RFC 6749 section 3.1, for the browser flow of {@code mailtidy oauth2 login}. */
    public String authorizationUrl() {
        return authorizationUrl;
    }

    /** RFC 8628 section 3.1, for {@code mailtidy oauth2 login}; empty where the device flow cannot get mail access. */
    public Optional<String> deviceAuthorizationUrl() {
        return Optional.ofNullable(deviceAuthorizationUrl);
    }

    public String scope() {
        return scope;
    }

    public String imapHost() {
        return imapHost;
    }
}
