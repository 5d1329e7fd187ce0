package org.mailtidy.imap;

import jakarta.mail.MessagingException;
import java.util.Locale;
import java.util.function.Consumer;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.Namespaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection asks once and every run needs: {@code ENABLE QRESYNC} (RFC 7162), which must
 * come before the first SELECT (RFC 5161 section 3.1), and the personal namespace (RFC 2342). Both
 * are written ahead at login where the server allows it, so that they ride in the flight of the
 * first command (RFC 9051 section 5.5); the NAMESPACE answer is read when a mailbox name first
 * needs it.
 */
final class EnableAndNamespace {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private final ImapConnection connection;
    private final IMAPStore store;
    private PersonalNamespace namespace;
    /** Set at the first SELECT or EXAMINE: ENABLE is allowed only before it (RFC 5161 section 3.1). */
    private boolean selectedBefore;
    /** NAMESPACE was written ahead and not answered yet. */
    private volatile boolean namespaceAhead;
    /** Set once NAMESPACE was sent (ahead or not), so a refusal is not asked again. */
    private boolean namespaceAsked;

    EnableAndNamespace(ImapConnection connection, IMAPStore store) {
        this.connection = connection;
        this.store = store;
    }

    /**
     * Writes ENABLE QRESYNC and NAMESPACE without waiting for their answers, in front of the next
     * command (the first SELECT, usually). UNSELECT and LOGOUT are
     * written the same way later: nothing on this connection waits for their answers. {@code
     * protocol} gets the connection's protocol object where it is ours.
     */
    void writeAhead(Consumer<LineEndTolerantProtocol> protocol) throws ImapException {
        // one command at a time (a server that mishandles pipelining): each waits for its answer
        boolean oneAtATime = Integer.getInteger(Wire.MAX_IN_FLIGHT_PROPERTY, Wire.MAX_IN_FLIGHT_COMMANDS) <= 1;
        boolean qresync = !oneAtATime && connection.hasCapability("ENABLE") && connection.hasCapability("CONDSTORE")
                && connection.hasCapability("QRESYNC");
        boolean ns = !oneAtATime && connection.hasCapability("NAMESPACE");
        String description = connection.description();
        try {
            ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> {
                if (!(p instanceof LineEndTolerantProtocol t)) {
                    return null;
                }
                protocol.accept(t);
                if (!oneAtATime) {
                    t.deferClosing();
                }
                if (qresync) {
                    connection.counter().increment("ENABLE");
                    boolean[] enabled = {false};
                    // Angus must not send an ENABLE CONDSTORE of its own before the SELECT
                    t.markEnabled("QRESYNC", true);
                    t.writeBeforeNext(new LineEndTolerantProtocol.Queued("ENABLE QRESYNC", null, r -> {
                        if (r instanceof IMAPResponse ir && ir.keyEquals("ENABLED")) {
                            enabled[0] = r.toString().toUpperCase(Locale.ROOT).contains("QRESYNC");
                            return true;
                        }
                        return false;
                    }, tagged -> {
                        if (!tagged.isOK() || !enabled[0]) {
                            LOG.debug("ENABLE QRESYNC refused by {}: {}", description, tagged);
                            t.markEnabled("QRESYNC", false);
                        } else {
                            LOG.debug("QRESYNC enabled on {}", description);
                        }
                    }));
                    selectedBefore = true;
                }
                if (ns) {
                    connection.counter().increment("NAMESPACE");
                    namespaceAhead = true;
                    Namespaces[] found = {null};
                    t.writeBeforeNext(new LineEndTolerantProtocol.Queued("NAMESPACE", null, r -> {
                        if (r instanceof IMAPResponse ir && ir.keyEquals("NAMESPACE")) {
                            found[0] = new Namespaces(ir);
                            return true;
                        }
                        return false;
                    }, tagged -> {
                        namespaceAhead = false;
                        if (namespace == null) {
                            namespace = personalOf(tagged.isOK() ? found[0] : null);
                        }
                    }));
                }
                return null;
            });
        } catch (MessagingException e) {
            throw Failures.of(e, "ENABLE on " + description, connection.guard());
        }
    }

    /**
     * Before each SELECT or EXAMINE: the first one sends {@code ENABLE QRESYNC} where it was not
     * written ahead at login (no ENABLE capability announced).
     */
    void selecting() {
        if (!selectedBefore && connection.hasCapability("CONDSTORE") && connection.hasCapability("QRESYNC")) {
            enableQresync();
        }
        selectedBefore = true;
    }

    /**
     * {@code ENABLE QRESYNC} (RFC 7162 section 3.2.3) on the connection the mailbox will be opened on
     * (Angus hands the store's connection to the folder): the mailbox cache then learns which messages
     * were expunged from the mod-sequences alone. From here on the server reports expunges as
     * {@code VANISHED}, which Angus and {@link SelectedMailbox} count like {@code EXPUNGE}. Whether
     * it took is read back from the folder's connection after SELECT; a refusal only means the
     * cache refreshes without it.
     */
    private void enableQresync() {
        try {
            connection.storeCommand("ENABLE", "QRESYNC", p -> {
                p.enable("QRESYNC");
                return null;
            });
            LOG.debug("QRESYNC enabled on {}", connection.description());
        } catch (ImapException e) {
            LOG.debug("ENABLE QRESYNC refused by {}: {}", connection.description(), e.getMessage());
        }
    }

    /**
     * The personal namespace (RFC 2342), asked once per connection with {@code NAMESPACE} where the
     * server has it; else no prefix and the separator of {@code LIST "" ""}.
     */
    PersonalNamespace namespace() throws ImapException {
        String description = connection.description();
        if (namespace == null && namespaceAhead) {
            // written ahead at login: its answer is read now, with whatever else was written ahead
            try {
                ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> {
                    try {
                        ((LineEndTolerantProtocol) p).drainAhead();
                    } catch (java.io.IOException e) {
                        throw new ProtocolException(e.getMessage(), e);
                    }
                    return null;
                });
            } catch (MessagingException e) {
                throw Failures.of(e, "NAMESPACE on " + description, connection.guard());
            } catch (RuntimeException e) {
                throw ImapConnection.unreadable("NAMESPACE on " + description, e, connection.guard());
            }
        }
        if (namespace == null) {
            Namespaces all = connection.hasCapability("NAMESPACE") && !namespaceAsked
                    ? (Namespaces) connection.storeCommand("NAMESPACE", "", p -> p.namespace()) : null;
            namespace = personalOf(all);
        }
        if (namespace.separator() == '\0') {
            namespace = new PersonalNamespace(namespace.prefix(), connection.separator());
            LOG.debug("personal namespace of {}: \"{}\" \"{}\"", description, namespace.prefix(), namespace.separator());
        }
        return namespace;
    }

    /** The personal namespace of a NAMESPACE answer; a separator of 0 is asked with LIST when needed. */
    private PersonalNamespace personalOf(Namespaces all) {
        namespaceAsked = true;
        if (all != null && all.personal != null && all.personal.length > 0) {
            Namespaces.Namespace personal = all.personal[0];
            return new PersonalNamespace(personal.prefix == null ? "" : personal.prefix, personal.delimiter);
        }
        return new PersonalNamespace("", '\0');
    }
}
