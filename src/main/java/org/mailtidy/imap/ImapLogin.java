package org.mailtidy.imap;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting and logging in (plain LOGIN, SASL or a master login, as the settings say; TLS verified
 * unless {@code NONE}), then reading what the server announced: its capabilities after login and
 * its greeting.
 */
final class ImapLogin {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private ImapLogin() {
    }

    /** A logged-in store with what the server announced. */
    record LoggedIn(IMAPStore store, ResponseGuard guard, Set<String> capabilities, String greeting) {
    }

    static LoggedIn logIn(ConnectionSettings s) throws ImapException {
        String secret;
        try {
            secret = s.secret().call();
        } catch (Exception e) {
            // The secret sources word their messages without the secret or the command's output.
            throw new ImapException("cannot get the secret for " + s.describe() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), null, null);
        }
        SSLSocketFactory factory = s.caFile().isPresent() ? TlsTrust.socketFactory(s.caFile().get()) : null;
        ResponseGuard guard = new ResponseGuard(s.limits(), s.host() + ":" + s.port());
        Session session = Session.getInstance(SessionProperties.of(s, factory, guard));
        IMAPStore store;
        try {
            LineEndTolerantStore.register(session);
            store = (IMAPStore) (s.masterUser().isPresent()
                    ? session.getStore(MasterLoginStore.provider(SessionProperties.protocol(s)))
                    : session.getStore(SessionProperties.protocol(s)));
            LOG.debug("connecting to {} ({}, {})", s.describe(), s.security(), s.mechanism());
            store.connect(s.host(), s.port(), s.masterUser().orElse(s.username()), secret);
        } catch (MessagingException e) {
            guard.abort();
            throw guard.violation() != null ? Failures.misbehaved("connecting to " + s.describe(), guard.violation())
                    : Failures.ofConnect(e, s, secret);
        } catch (RuntimeException e) {
            guard.abort();
            throw ImapConnection.unreadable("connecting to " + s.describe(), e, guard);
        }
        guard.loggedIn();
        Set<String> caps = readCapabilities(store, s.describe(), guard);
        String greeting = readGreeting(store, s.describe());
        LOG.debug("connected to {}; capabilities {}", s.describe(), caps);
        guard.tlsSession().ifPresent(tls -> LOG.debug("TLS with {}: {} {}, session {}", s.describe(),
                tls.getProtocol(), tls.getCipherSuite(), java.util.HexFormat.of().formatHex(tls.getId())));
        return new LoggedIn(store, guard, caps, greeting);
    }

    private static String readGreeting(IMAPStore store, String description) throws ImapException {
        try {
            return (String) ((IMAPFolder) store.getDefaultFolder()).doCommand(
                    p -> p instanceof LineEndTolerantProtocol t ? t.greeting() : "");
        } catch (MessagingException e) {
            throw Failures.of(e, "reading the greeting of " + description);
        }
    }

    private static Set<String> readCapabilities(IMAPStore store, String description, ResponseGuard guard)
            throws ImapException {
        try {
            IMAPFolder root = (IMAPFolder) store.getDefaultFolder();
            Set<String> caps = new TreeSet<>();
            root.doCommand(p -> {
                // Login just ended; Angus stamps only the answers of its Protocol.command
                Wire.answered(p);
                for (String c : p.getCapabilities().keySet()) {
                    caps.add(c.toUpperCase(Locale.ROOT));
                }
                return null;
            });
            return Collections.unmodifiableSet(caps);
        } catch (MessagingException e) {
            throw Failures.of(e, "CAPABILITY on " + description, guard);
        }
    }
}
