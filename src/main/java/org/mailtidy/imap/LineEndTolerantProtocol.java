package org.mailtidy.imap;

import java.io.IOException;
import java.util.Properties;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.MailLogger;

/** Angus's IMAP protocol reading response lines through {@link LineEndTolerantInput}. */
final class LineEndTolerantProtocol extends IMAPProtocol {
    // No initialisers: the superclass constructor reads the greeting through getInputStream().
    private ResponseInputStream original;
    private ResponseInputStream tolerant;
    private String greeting;

    LineEndTolerantProtocol(String name, String host, int port, Properties props, boolean isSSL, MailLogger logger)
            throws IOException, ProtocolException {
        super(name, host, port, props, isSSL, logger);
    }

    /** The server's greeting line (without the tag {@code *}), for telling servers apart. */
    String greeting() {
        return greeting == null ? "" : greeting;
    }

    @Override
    protected void processGreeting(Response r) throws ProtocolException {
        greeting = r.toString();
        super.processGreeting(r);
    }

    /** The stream is new after STARTTLS or COMPRESS, so the tolerant reader follows it. */
    @Override
    protected ResponseInputStream getInputStream() {
        ResponseInputStream current = super.getInputStream();
        if (current != original) {
            original = current;
            tolerant = current == null ? null : LineEndTolerantInput.over(current, host);
        }
        return tolerant;
    }
}
