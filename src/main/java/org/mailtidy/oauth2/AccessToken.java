package org.mailtidy.oauth2;

import java.time.Instant;
import java.util.Optional;

/**
 * An access token and until when mailtidy uses it. {@code fromCache} tells whether it was handed out
 * before: only a cached token that the server refuses is worth refreshing (a token fresh from the
 * endpoint that is refused will not get better by asking again).
 */
public record AccessToken(String value, Optional<Instant> usableUntil, boolean fromCache) {

    boolean usableAt(Instant now) {
        return usableUntil.map(now::isBefore).orElse(true);
    }

    AccessToken cached() {
        return new AccessToken(value, usableUntil, true);
    }

    @Override
    public String toString() {
        return "AccessToken[redacted, usableUntil=" + usableUntil.map(Instant::toString).orElse("unknown")
                + ", fromCache=" + fromCache + "]";
    }
}
