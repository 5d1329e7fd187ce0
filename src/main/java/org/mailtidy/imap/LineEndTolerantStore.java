package org.mailtidy.imap;

import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.MailLogger;

/** Angus's IMAP store whose connections take a bare LF as a line end ({@link LineEndTolerantInput}). */
public class LineEndTolerantStore extends IMAPStore {
    public LineEndTolerantStore(Session session, URLName url) {
        this(session, url, "imap", false);
    }

    LineEndTolerantStore(Session session, URLName url, String protocol, boolean ssl) {
        super(session, url, protocol, ssl);
        // Angus names its loggers by the store's package: keep its names, so the protocol trace
        // stays under org.eclipse.angus.mail.imap.protocol (ImapLogging).
        logger = new MailLogger(IMAPStore.class, "DEBUG " + protocol.toUpperCase(java.util.Locale.ROOT),
                session.getDebug(), session.getDebugOut());
    }

    /** Makes {@code session.getStore("imap")} and {@code "imaps"} return these stores. */
    static void register(Session session) throws jakarta.mail.NoSuchProviderException {
        session.setProvider(provider("imap", LineEndTolerantStore.class));
        session.setProvider(provider("imaps", Ssl.class));
    }

    private static Provider provider(String protocol, Class<?> type) {
        return new Provider(Provider.Type.STORE, protocol, type.getName(), "mailtidy", "1");
    }

    @Override
    protected IMAPProtocol newIMAPProtocol(String host, int port) throws IOException, ProtocolException {
        return new LineEndTolerantProtocol(name, host, port, session.getProperties(), isSSL, logger);
    }

    /** The same over implicit TLS (Angus's {@code IMAPSSLStore}). */
    public static final class Ssl extends LineEndTolerantStore {
        public Ssl(Session session, URLName url) {
            super(session, url, "imaps", true);
        }
    }
}
