package org.mailtidy.imap;

import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection kept only to learn of new mail, separate from the one that runs rules. With NOTIFY
 * (RFC 5465) one connection watches many mailboxes without selecting any, and the server reports
 * each change as a STATUS response (section 5.2); without it the connection EXAMINEs one mailbox
 * and IDLE (RFC 2177) reports EXISTS. A watch only says "look at this mailbox"; what is new is
 * decided against a UIDNEXT watermark by whoever runs the rules.
 *
 * <p>The connection's read timeout bounds every wait for an answer, so a connection that died
 * silently is noticed at the next {@link #noop()} or at the end of an {@link #idle(Duration)}.
 */
public final class MailWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailWatch.class);
    private static final String[] STATUS_ITEMS = {"UIDVALIDITY", "UIDNEXT"};

    /**
     * What the server said about a mailbox.
     *
     * @param uidValidity 0 when the response did not say (a STATUS notification, an EXISTS)
     * @param uidNext     {@link #UNKNOWN} when the response did not say (an EXISTS)
     */
    public record Change(String mailbox, long uidValidity, long uidNext) {
        public static final long UNKNOWN = -1;

        public boolean uidNextKnown() {
            return uidNext != UNKNOWN;
        }
    }

    /** Receives changes on the watching thread; must not block. */
    @FunctionalInterface
    public interface Listener {
        void changed(Change change);
    }

    private final ImapConnection connection;
    private final SelectedMailbox selected;
    private final Listener listener;
    private final Map<String, String> watchedByServerName = new HashMap<>();
    private final ResponseHandler handler = this::handle;
    private final Object phaseLock = new Object();
    private IMAPProtocol registeredOn;
    private IMAPProtocol idlingOn;
    private boolean doneSent;
    private boolean wakeRequested;
    private PersonalNamespace namespace;
    private volatile boolean overflowed;
    private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private MailWatch(ImapConnection connection, SelectedMailbox selected, Listener listener) {
        this.connection = connection;
        this.selected = selected;
        this.listener = listener;
    }

    public static boolean canNotify(ImapConnection connection) {
        return connection.hasCapability("NOTIFY");
    }

    /**
     * {@code NOTIFY SET STATUS (mailboxes (...) (MessageNew MessageExpunge))}: RFC 5465 section 5
     * requires MessageExpunge with MessageNew; {@code STATUS} makes the server report each mailbox's
     * UIDVALIDITY and UIDNEXT at once, which the listener receives before this returns.
     */
    public static MailWatch notifying(ImapConnection connection, List<String> mailboxes, Listener listener)
            throws ImapException {
        if (!canNotify(connection)) {
            throw new ImapException.MissingCapability("NOTIFY", connection.description()
                    + " does not support NOTIFY (RFC 5465)");
        }
        MailWatch watch = new MailWatch(connection, null, listener);
        watch.namespace = connection.namespace();
        List<String> wire = new java.util.ArrayList<>();
        for (String m : mailboxes) {
            String server = connection.serverName(m);
            watch.watchedByServerName.put(server, m);
            wire.add(MailboxNames.encode(server));
        }
        watch.onProtocol("NOTIFY", p -> {
            Argument names = new Argument();
            for (String w : wire) {
                names.append(ImapConnection.mailboxArgument(p, w));
            }
            Argument group = new Argument().writeAtom("mailboxes");
            group.writeArgument(names);
            group.writeArgument(new Argument().writeAtom("MessageNew").writeAtom("MessageExpunge"));
            Wire.run(p, "NOTIFY SET STATUS", new Argument().writeArgument(group), r -> false, r -> { });
        });
        // Dovecot leaves out mailboxes it has not indexed yet (a new user's INBOX): ask for those.
        for (String m : mailboxes) {
            if (!watch.reported.contains(m)) {
                listener.changed(status(connection, m));
            }
        }
        return watch;
    }

    /** EXAMINEs the mailbox (read-only, so watching changes nothing) and reports its UIDNEXT at once. */
    public static MailWatch idling(ImapConnection connection, String mailbox, Listener listener)
            throws ImapException {
        if (!connection.hasCapability("IDLE")) {
            throw new ImapException.MissingCapability("IDLE", connection.description()
                    + " does not support IDLE (RFC 2177)");
        }
        SelectedMailbox box = connection.select(mailbox, true);
        MailWatch watch = new MailWatch(connection, box, listener);
        watch.onProtocol(null, p -> { });
        listener.changed(new Change(mailbox, box.uidValidity(), box.uidNext() > 0 ? box.uidNext() : afterLast(box)));
        return watch;
    }

    /**
     * Courier-IMAP sends no UIDNEXT with SELECT or EXAMINE (RFC 3501 requires it). Without it the
     * arrival baseline would come from a later STATUS, which already counts mail that arrived in
     * between, so that mail would never be handled on arrival. The UID after the last message of
     * the snapshot EXAMINE gave is as good a baseline: mail arriving after it gets higher UIDs.
     */
    private static long afterLast(SelectedMailbox box) throws ImapException {
        int last = box.exists();
        if (last == 0) {
            return 1;
        }
        try {
            IMAPFolder folder = box.folder();
            return folder.getUID(folder.getMessage(last)) + 1;
        } catch (MessagingException e) {
            throw Failures.of(e, "FETCH " + last + " (UID) in " + box.name());
        }
    }

    /** STATUS (UIDVALIDITY UIDNEXT) of a mailbox, on any connection (RFC 3501 section 6.3.10). */
    public static Change status(ImapConnection connection, String mailbox) throws ImapException {
        String server = connection.serverName(mailbox);
        Object result = connection.storeCommand("STATUS", mailbox, p -> {
            Status s = ((IMAPProtocol) p).status(server, STATUS_ITEMS);
            return s;
        });
        return change(mailbox, (Status) result);
    }

    /** Angus reports an item the response left out as -1. */
    private static Change change(String mailbox, Status s) {
        return new Change(mailbox, Math.max(0, s.uidvalidity), s.uidnext > 0 ? s.uidnext : Change.UNKNOWN);
    }

    /**
     * IDLE until {@code maxIdle} has passed or {@link #wake()} is called, then DONE and the
     * server's OK. Changes go to the listener as they arrive. Throws if the connection fails or an
     * answer does not come within the read timeout.
     */
    public void idle(Duration maxIdle) throws ImapException {
        long deadline = System.nanoTime() + maxIdle.toNanos();
        onProtocol("IDLE", p -> idleOn(p, deadline));
    }

    /** Ends a running {@link #idle(Duration)} soon, or the next one at once; from any thread. */
    public void wake() {
        synchronized (phaseLock) {
            wakeRequested = true;
            sendDone();
        }
    }

    /** NOOP: proves the connection alive and collects anything the server has queued. */
    public void noop() throws ImapException {
        onProtocol("NOOP", p -> p.simpleCommand("NOOP", null));
    }

    public String describe() {
        return connection.description() + (selected == null ? " (NOTIFY)" : " " + selected.name());
    }

    /** Logs out; call from the watching thread, or after it has finished. */
    @Override
    public void close() {
        connection.close();
    }

    private void idleOn(IMAPProtocol p, long deadline) throws ProtocolException {
        synchronized (phaseLock) {
            if (wakeRequested) {
                wakeRequested = false;
                return;
            }
        }
        p.idleStart();
        synchronized (phaseLock) {
            idlingOn = p;
            doneSent = false;
            if (wakeRequested) {
                sendDone();
            }
        }
        try {
            while (true) {
                Response r = p.readIdleResponse();
                if (r == null) {
                    return;
                }
                if (isQuietTimeout(r)) {
                    boolean unanswered;
                    synchronized (phaseLock) {
                        unanswered = doneSent;
                    }
                    if (unanswered) {
                        // Dead without a word: handled like a lost connection (disconnects, throws).
                        p.processIdleResponse(Response.byeResponse(
                                new SocketTimeoutException("no answer to DONE within the read timeout")));
                        return;
                    }
                } else if (!p.processIdleResponse(r)) {
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    synchronized (phaseLock) {
                        sendDone();
                    }
                }
            }
        } finally {
            synchronized (phaseLock) {
                idlingOn = null;
                wakeRequested = false;
            }
        }
    }

    /** Under {@code phaseLock}: DONE once per IDLE, and only while one runs (else it would be a bad command). */
    private void sendDone() {
        if (idlingOn != null && !doneSent) {
            doneSent = true;
            idlingOn.idleAbort();
        }
    }

    /** A read timeout before any byte of a response: nothing happened (RFC 2177 lets IDLE be silent). */
    private static boolean isQuietTimeout(Response r) {
        return r.isSynthetic() && r.getException() instanceof SocketTimeoutException e && e.bytesTransferred == 0;
    }

    private void handle(Response r) {
        if (!(r instanceof IMAPResponse ir) || !r.isUnTagged()) {
            return;
        }
        try {
            if (ir.keyEquals("STATUS") && selected == null) {
                Status s = new Status(ir);
                String name = watchedByServerName.getOrDefault(s.mbox, MailboxNames.fromServer(s.mbox, namespace, false));
                reported.add(name);
                listener.changed(change(name, s));
            } else if (ir.keyEquals("EXISTS") && selected != null) {
                listener.changed(new Change(selected.name(), 0, Change.UNKNOWN));
            } else if (ir.isOK() && new Response(ir).getRest().toUpperCase(java.util.Locale.ROOT)
                    .startsWith("[NOTIFICATIONOVERFLOW]")) {
                // RFC 5465 section 5.8: the server stopped notifying; every mailbox must be looked at.
                overflowed = true;
                synchronized (phaseLock) {
                    sendDone();
                }
            }
        } catch (ParsingException e) {
            LOG.debug("{}: unparsable response {}: {}", describe(), r, e.toString());
        }
    }

    @FunctionalInterface
    private interface OnProtocol {
        void run(IMAPProtocol p) throws ProtocolException;
    }

    /**
     * Runs {@code command} on the watch's protocol with the response handler registered; {@code verb}
     * null sends nothing countable. After NOTIFICATIONOVERFLOW the watch is useless: setting it up
     * again re-reads every mailbox's UIDNEXT.
     */
    private void onProtocol(String verb, OnProtocol command) throws ImapException {
        IMAPFolder.ProtocolCommand c = p -> {
            IMAPProtocol imap = (IMAPProtocol) p;
            if (registeredOn != imap) {
                imap.addResponseHandler(handler);
                registeredOn = imap;
            }
            command.run(imap);
            return null;
        };
        String what = verb == null ? "watching" : verb;
        if (selected != null) {
            if (verb != null) {
                connection.counter().increment(verb);
            }
            try {
                selected.folder().doCommand(c);
            } catch (MessagingException e) {
                throw Failures.of(e, what + " on " + describe(), connection.guard());
            }
        } else {
            connection.storeCommand(what, describe(), c);
        }
        if (overflowed) {
            throw new ImapException(describe() + ": the server reported NOTIFICATIONOVERFLOW (RFC 5465 section 5.8)");
        }
    }
}
