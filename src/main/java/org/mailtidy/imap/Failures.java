package org.mailtidy.imap;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;

/** Turns Angus's exceptions into {@link ImapException}s with messages a user can act on. */
final class Failures {
    private Failures() {
    }

    /** A failure while connecting or logging in; {@code secret} is scrubbed from every text. */
    static ImapException ofConnect(MessagingException e, ConnectionSettings s, String secret) {
        String where = s.describe();
        LimitExceeded limit = LimitExceeded.in(e);
        if (limit != null) {
            return misbehaved("connecting to " + where, limit);
        }
        Throwable tls = find(e, SSLException.class, CertificateException.class);
        String text = redact(String.valueOf(e.getMessage()), secret);
        if (e instanceof AuthenticationFailedException) {
            return new ImapException.AuthenticationFailed("login to " + where + " failed, the server refused the "
                    + "credentials: " + text, text, null);
        }
        if (tls != null) {
            return new ImapException.TlsFailure("TLS with " + s.host() + ":" + s.port() + " failed: "
                    + describeTls(tls) + ". Give the server's CA with ca_file if it is a private CA", tls);
        }
        if (text.contains("identity of server") || text.contains("Server is not trusted")) {
            return new ImapException.TlsFailure("TLS with " + s.host() + ":" + s.port() + " failed: the server's "
                    + "certificate does not match the host name '" + s.host() + "'", null);
        }
        if (text.contains("STARTTLS")) {
            return new ImapException.TlsFailure("STARTTLS with " + s.host() + ":" + s.port() + " failed: " + text
                    + " (tls: starttls never falls back to plaintext)", null);
        }
        Throwable network = find(e, ConnectException.class, UnknownHostException.class, SocketTimeoutException.class,
                IOException.class);
        if (network != null) {
            return new ImapException.ConnectionLost("cannot connect to " + s.host() + ":" + s.port() + ": "
                    + redact(String.valueOf(network), secret), null);
        }
        return new ImapException("connecting to " + where + " failed: " + text, text, null);
    }

    /** A failure of a command; {@code what} names it for the message, e.g. "UID STORE in INBOX". */
    static ImapException of(Exception e, String what) {
        return of(e, what, (String) null);
    }

    private static ImapException of(Exception e, String what, String server) {
        ProtocolException pex = (ProtocolException) find(e, ProtocolException.class);
        if (pex instanceof Wire.HandlerFailure && pex.getCause() instanceof ImapException inner) {
            return inner;
        }
        LimitExceeded limit = LimitExceeded.in(e);
        if (limit != null) {
            return misbehaved(what, limit);
        }
        if (pex instanceof ConnectionException || e instanceof FolderClosedException
                || e instanceof StoreClosedException) {
            if (timedOut(e, pex)) {
                return new ImapException.ConnectionLost(what + " failed: the server did not answer within the"
                        + " account's read_timeout; the connection was closed", e);
            }
            return new ImapException.ConnectionLost(what + " failed: the connection" + (server == null ? ""
                    : " to " + server) + " was lost (" + e.getMessage() + ")", e);
        }
        if (pex instanceof CommandFailedException) {
            String text = responseText(pex);
            return new ImapException.NoResponse(what + " refused by the server: NO " + text, text, e);
        }
        if (pex instanceof BadCommandException) {
            String text = responseText(pex);
            return new ImapException.BadResponse(what + " rejected by the server: BAD " + text, text, e);
        }
        if (e instanceof FolderNotFoundException) {
            return new ImapException.NoResponse(what + " failed: the mailbox does not exist", e.getMessage(), e);
        }
        if (pex instanceof Wire.HandlerFailure) {
            return new ImapException(what + " failed: " + pex.getCause(), null, pex.getCause());
        }
        return new ImapException(what + " failed: " + e.getMessage(), null, e);
    }

    /** The same, where the connection's guard may know better than the exception what went wrong. */
    static ImapException of(Exception e, String what, ResponseGuard guard) {
        LimitExceeded limit = guard == null ? null : guard.violation();
        return limit != null ? misbehaved(what, limit) : of(e, what, guard == null ? null : guard.server());
    }

    /** One line: what failed and what the server sent; the stack trace stays at DEBUG. */
    static ImapException misbehaved(String what, LimitExceeded limit) {
        return new ImapException.ServerMisbehaved(what + " failed: " + limit.getMessage() + "; disconnected", limit);
    }

    /**
     * Angus turns a read timeout into a synthetic BYE that carries the exception; when the folder
     * closes on it, only the BYE's text is left ("* BYE ... SocketTimeoutException ...").
     */
    private static boolean timedOut(Exception e, ProtocolException pex) {
        Response r = pex == null ? null : pex.getResponse();
        return find(e, SocketTimeoutException.class) != null
                || r != null && find(r.getException(), SocketTimeoutException.class) != null
                || String.valueOf(e.getMessage()).contains(SocketTimeoutException.class.getName());
    }

    /**
     * Masks the secret in a server or library message. Secrets shorter than 4 characters are left
     * alone: they match by chance everywhere ("x" in "UnknownHostException") and mask nothing.
     */
    static String redact(String text, String secret) {
        if (text == null || secret == null || secret.length() < 4) {
            return text;
        }
        return text.replace(secret, "***");
    }

    private static String responseText(ProtocolException pex) {
        Response r = pex.getResponse();
        return r != null ? r.getRest() : String.valueOf(pex.getMessage());
    }

    private static String describeTls(Throwable tls) {
        String text = String.valueOf(tls.getMessage());
        if (text.contains("PKIX") || text.contains("unable to find valid certification path")) {
            return "the server's certificate is not trusted (" + text + ")";
        }
        if (text.contains("does not match the host name")) {
            return text.substring(text.indexOf("the server's certificate does not match"));
        }
        if (text.contains("No subject alternative") || text.contains("doesn't match")) {
            return "the server's certificate does not match the host name (" + text + ")";
        }
        return tls.getClass().getSimpleName() + ": " + text;
    }

    @SafeVarargs
    private static Throwable find(Throwable e, Class<? extends Throwable>... types) {
        for (Throwable t = e; t != null; t = next(t)) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        Throwable cause = t instanceof MessagingException m && m.getNextException() != null
                ? m.getNextException() : t.getCause();
        return cause == t ? null : cause;
    }
}
