package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes Angus Mail's java.util.logging output to SLF4J. Angus decides once per connection whether
 * to trace the protocol, so call {@link #install()} after the log levels are set and before
 * connecting. Angus leaves LOGIN and AUTHENTICATE out of the trace ({@code mail.debug.auth} unset).
 */
public final class ImapLogging {
    private static final String[] ANGUS_LOGGERS = {
        "org.eclipse.angus.mail.imap.protocol", "org.eclipse.angus.mail.imap",
        "org.eclipse.angus.mail.imap.connectionpool", "org.eclipse.angus.mail.imap.messagecache",
    };
    /** java.util.logging keeps loggers weakly: hold them so the levels set here stay. */
    private static final List<java.util.logging.Logger> KEPT = new ArrayList<>();

    private ImapLogging() {
    }

    public static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        KEPT.clear();
        for (String name : ANGUS_LOGGERS) {
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
            jul.setLevel(julLevel(LoggerFactory.getLogger(name)));
            KEPT.add(jul);
        }
    }

    private static Level julLevel(Logger slf4j) {
        if (slf4j.isTraceEnabled()) {
            return Level.FINEST;
        }
        if (slf4j.isDebugEnabled()) {
            return Level.FINE;
        }
        if (slf4j.isInfoEnabled()) {
            return Level.INFO;
        }
        return slf4j.isWarnEnabled() ? Level.WARNING : Level.SEVERE;
    }
}
