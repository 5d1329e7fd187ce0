package org.mailtidy.imap;

import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * The Angus store for a master (proxy) login: AUTHENTICATE PLAIN with the user as authorization id
 * and the master as authentication id (RFC 4616). A server that does not offer AUTH=PLAIN is refused
 * before anything is sent: Angus would otherwise fall back to LOGIN with the master's name and
 * password, and on a server where the master is also a mailbox, tidy the master's mail instead of the
 * user's. A bare LF ends a line here too ({@link LineEndTolerantStore}).
 */
public final class MasterLoginStore extends LineEndTolerantStore {

    public MasterLoginStore(Session session, URLName url) {
        super(session, url, url == null ? "imap" : url.getProtocol(), url != null && "imaps".equals(url.getProtocol()));
    }

    static Provider provider(String protocol) {
        return new Provider(Provider.Type.STORE, protocol, MasterLoginStore.class.getName(), "mailtidy", null);
    }

    @Override
    protected void preLogin(IMAPProtocol p) throws ProtocolException {
        if (!p.hasCapability("AUTH=PLAIN")) {
            throw new ProtocolException("the server does not offer AUTHENTICATE PLAIN, which a master login needs"
                    + " (RFC 4616 authorization id); not logging in");
        }
    }
}
