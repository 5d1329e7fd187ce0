package org.mailtidy.imap;

import java.io.IOException;

/**
 * A server went past one of the {@link ServerLimits}: what it sent, in words a user can act on. An
 * {@link IOException} so that it travels through Angus's reader like a broken connection (which is
 * what it becomes: the socket is closed when it is thrown).
 */
public final class LimitExceeded extends IOException {
    LimitExceeded(String message) {
        super(message);
    }

    /** This exception somewhere in {@code t}'s causes or in the synthetic BYE Angus made of it; or null. */
    static LimitExceeded in(Throwable t) {
        for (int depth = 0; t != null && depth < 20; depth++) {
            if (t instanceof LimitExceeded l) {
                return l;
            }
            if (t instanceof org.eclipse.angus.mail.iap.ProtocolException p && p.getResponse() != null
                    && p.getResponse().getException() instanceof LimitExceeded l) {
                return l;
            }
            Throwable next = t instanceof jakarta.mail.MessagingException m && m.getNextException() != null
                    ? m.getNextException() : t.getCause();
            t = next == t ? null : next;
        }
        return null;
    }
}
