package org.mailtidy.imap;

/**
 * An IMAP operation failed. Keeps the server's response text where there is one; messages never
 * contain a password or token.
 */
public class ImapException extends Exception {
    private final String serverResponse;

    public ImapException(String message) {
        this(message, null, null);
    }

    public ImapException(String message, String serverResponse, Throwable cause) {
        super(message, cause);
        this.serverResponse = serverResponse;
    }

    /** The server's response line (tag stripped), or null when the failure was not an answer. */
    public String serverResponse() {
        return serverResponse;
    }

    /** The connection broke, timed out, could not be opened, or the server said BYE. */
    public static class ConnectionLost extends ImapException {
        public ConnectionLost(String message, Throwable cause) {
            super(message, null, cause);
        }
    }

    /**
     * The server sent something past mailtidy's limits (a huge literal, an endless line, junk) or
     * did not finish within a deadline; it was disconnected. The message says what it sent.
     */
    public static class ServerMisbehaved extends ConnectionLost {
        public ServerMisbehaved(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server answered NO (RFC 3501 section 7.1.2): the command was refused. */
    public static class NoResponse extends ImapException {
        public NoResponse(String message, String serverResponse, Throwable cause) {
            super(message, serverResponse, cause);
        }
    }

    /** The server answered BAD (RFC 3501 section 7.1.3): it did not understand the command. */
    public static class BadResponse extends ImapException {
        public BadResponse(String message, String serverResponse, Throwable cause) {
            super(message, serverResponse, cause);
        }
    }

    /** The server refused the credentials. */
    public static class AuthenticationFailed extends ImapException {
        public AuthenticationFailed(String message, String serverResponse, Throwable cause) {
            super(message, serverResponse, cause);
        }
    }

    /** TLS could not be set up: untrusted certificate, wrong host name, no STARTTLS. */
    public static class TlsFailure extends ImapException {
        public TlsFailure(String message, Throwable cause) {
            super(message, null, cause);
        }
    }

    /** The server lacks an extension this operation needs (e.g. UIDPLUS for UID EXPUNGE). */
    public static class MissingCapability extends ImapException {
        private final String capability;

        public MissingCapability(String capability, String message) {
            super(message, null, null);
            this.capability = capability;
        }

        public String capability() {
            return capability;
        }
    }

    /** The mailbox's UIDVALIDITY changed during the session: UIDs no longer name the same messages. */
    public static class UidValidityChanged extends ImapException {
        public UidValidityChanged(String message) {
            super(message, null, null);
        }
    }
}
