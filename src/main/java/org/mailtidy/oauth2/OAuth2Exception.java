package org.mailtidy.oauth2;

/**
 * An OAuth2 step failed. The message says what happened and what to do; it never contains a token,
 * a client secret or an authorization header.
 */
public class OAuth2Exception extends Exception {

    /** What kind of failure, so callers can decide between giving up, waiting and retrying. */
    public enum Kind {
        /**
         * The authorization server refused the grant or the client (RFC 6749 section 5.2, e.g.
         * {@code invalid_grant}: the refresh token expired or was revoked). A person must act.
         */
        REJECTED,
        /** The endpoint was unreachable, timed out or answered 5xx/429: try again later. */
        UNAVAILABLE,
        /** Anything else: a malformed answer, an unreadable or unwritable token file. */
        FAILED
    }

    private final Kind kind;

    public OAuth2Exception(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public OAuth2Exception(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
