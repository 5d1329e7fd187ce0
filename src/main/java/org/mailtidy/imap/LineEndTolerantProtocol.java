package org.mailtidy.imap;

import java.io.IOException;
import java.util.Properties;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.MailLogger;

/**
 * Angus's IMAP protocol reading response lines through {@link LineEndTolerantInput}, with commands
 * written ahead ({@link #writeAhead}): sent at once, their answers read in front of whatever command
 * is read next (RFC 9051 section 5.5), so they ride in the next flight instead of costing a round
 * trip of their own (ENABLE and NAMESPACE with SELECT, an UNSELECT or LOGOUT nothing waits for).
 */
final class LineEndTolerantProtocol extends IMAPProtocol {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LineEndTolerantProtocol.class);
    // No initialisers: the superclass constructor reads the greeting through getInputStream().
    private ResponseInputStream original;
    private ResponseInputStream tolerant;
    private String greeting;
    /** Commands written ahead whose tagged answers were not read yet, oldest first. */
    private java.util.ArrayList<Ahead> ahead;
    /** Written ahead in front of the next command (ENABLE and NAMESPACE after login). */
    private java.util.List<Queued> beforeNext;
    /** Written ahead right after the next SELECT or EXAMINE (a run's opening), then forgotten. */
    private java.util.List<Queued> afterSelect;
    /** When set, {@link #unselect()} and {@link #logout()} do not wait for their answers. */
    private boolean deferClosing;

    /**
     * A command written ahead: its untagged answers go to {@code handler}, its tagged one to {@code done}.
     * One written after a command not yet answered ({@code after}, its tag) takes no untagged answer
     * before that command's tagged one: until then they are that command's.
     */
    static final class Ahead {
        private final String tag;
        private final String command;
        private final Wire.Handler handler;
        private final java.util.function.Consumer<Response> done;
        private String after;

        Ahead(String tag, String command, Wire.Handler handler, java.util.function.Consumer<Response> done,
              String after) {
            this.tag = tag;
            this.command = command;
            this.handler = handler;
            this.done = done;
            this.after = after;
        }
    }

    /** A command to write ahead later (after the next SELECT), with what reads its answers. */
    record Queued(String command, org.eclipse.angus.mail.iap.Argument args, Wire.Handler handler,
                  java.util.function.Consumer<Response> done) {
    }

    /**
     * Writes the command now without reading its answer: it is read, and taken out of the stream, in
     * front of the next command's answers. Untagged responses that arrive before its tagged answer
     * are offered to {@code handler} (the server answers commands in the order sent; an ESEARCH goes
     * to the command its correlator names); what the handler does not consume goes on to the reader
     * as any unsolicited response would.
     */
    synchronized void writeAhead(String command, org.eclipse.angus.mail.iap.Argument args, Wire.Handler handler,
                                 java.util.function.Consumer<Response> done) throws IOException, ProtocolException {
        writeAhead(command, args, handler, done, null);
    }

    private void writeAhead(String command, org.eclipse.angus.mail.iap.Argument args, Wire.Handler handler,
                            java.util.function.Consumer<Response> done, String after)
            throws IOException, ProtocolException {
        String tag = super.writeCommand(command, args);
        LOG.debug("C: {} (written ahead)", command);
        if (ahead == null) {
            ahead = new java.util.ArrayList<>();
        }
        ahead.add(new Ahead(tag, command, handler, done, after));
    }

    /**
     * The commands are written right after the next SELECT or EXAMINE, before its answer is read, so
     * that they ride in its flight; a SELECT that fails leaves them answered NO or BAD (no mailbox is
     * selected), which their {@code done} is told. {@code null}: nothing (the SELECT was not sent).
     */
    synchronized void afterNextSelect(java.util.List<Queued> commands) {
        afterSelect = commands == null || commands.isEmpty() ? null : java.util.List.copyOf(commands);
    }

    /**
     * The commands are written ahead in front of the next command written (or read for: {@link
     * #drainAhead}), so that they leave in the same burst as it: written at once, they would make a
     * flight of their own whenever their answers came back before the next command was written.
     */
    synchronized void writeBeforeNext(Queued command) {
        if (beforeNext == null) {
            beforeNext = new java.util.ArrayList<>();
        }
        beforeNext.add(command);
    }

    private void writeQueued() throws IOException, ProtocolException {
        java.util.List<Queued> queued = beforeNext;
        beforeNext = null;
        if (queued != null) {
            for (Queued q : queued) {
                writeAhead(q.command(), q.args(), q.handler(), q.done(), null);
            }
        }
    }

    /**
     * Writes what is queued in front of the next command now: a flight written by a thread of its own
     * ({@link StreamedPipeline}) calls this first, on the thread that holds this protocol's lock.
     */
    synchronized void writeQueuedNow() throws IOException, ProtocolException {
        writeQueued();
    }

    @Override
    public String writeCommand(String command, org.eclipse.angus.mail.iap.Argument args)
            throws IOException, ProtocolException {
        if (!Thread.holdsLock(this)) {
            // The writer thread of a streamed flight, while the reading thread holds this lock and reads
            // the answers: taking the lock here would wait for that reading to end, which waits for
            // these commands. The reading thread wrote what was queued before the flight began.
            return super.writeCommand(command, args);
        }
        if ("LOGOUT".equals(command)) {
            beforeNext = null;  // what nothing will use
        } else {
            writeQueued();
        }
        String tag = super.writeCommand(command, args);
        if (afterSelect != null && ("SELECT".equals(command) || "EXAMINE".equals(command))) {
            java.util.List<Queued> opening = afterSelect;
            afterSelect = null;
            for (Queued q : opening) {
                writeAhead(q.command(), q.args(), q.handler(), q.done(), tag);
            }
        }
        return tag;
    }

    /** True while a command written ahead has not been answered. */
    synchronized boolean aheadPending() {
        return ahead != null && !ahead.isEmpty();
    }

    /** Reads until every command written ahead is answered (one wait, for all of them). */
    synchronized void drainAhead() throws IOException, ProtocolException {
        drainAhead(r -> { });
    }

    /** The same, showing every untagged response read to {@code observer} first (a selected mailbox's watch). */
    synchronized void drainAhead(Wire.Observer observer) throws IOException, ProtocolException {
        writeQueued();
        while (aheadPending()) {
            Response r = super.readResponse();
            if (!r.isTagged() && !r.isBYE()) {
                observer.observe(r);
            }
            if (!takenAhead(r)) {
                notifyResponseHandlers(new Response[] {r});
                if (r.isBYE()) {
                    throw new IOException("the connection ended: " + r);
                }
            }
        }
        Wire.answered(this);
    }

    /** Marks an extension enabled before its ENABLE (written ahead) is answered, so Angus sends no ENABLE of its own. */
    synchronized void markEnabled(String capability, boolean on) {
        if (enabled == null) {
            enabled = new java.util.HashSet<>();
        }
        if (on) {
            enabled.add(capability.toUpperCase(java.util.Locale.ENGLISH));
        } else {
            enabled.remove(capability.toUpperCase(java.util.Locale.ENGLISH));
        }
    }

    /** From now on UNSELECT and LOGOUT are written ahead: nothing waits for their answers. */
    synchronized void deferClosing() {
        deferClosing = true;
    }

    /** Whether commands are written ahead on this connection (not one command at a time). */
    synchronized boolean writesAhead() {
        return deferClosing;
    }

    /**
     * Responses to commands not written ahead read so far (any thread may ask): unchanged over a run
     * means the server answered nothing of it.
     */
    long responsesRead() {
        return responsesRead;
    }

    private volatile long responsesRead;

    @Override
    public Response readResponse() throws IOException, ProtocolException {
        while (true) {
            Response r = super.readResponse();
            if (!takenAhead(r)) {
                if (!r.isBYE()) {
                    // an answer to a command of this flight: what was written ahead (an UNSELECT left
                    // from the run before) or a BYE (the server's, or Angus's for a dropped connection)
                    // says nothing of it
                    responsesRead++;
                }
                return r;
            }
        }
    }

    /**
     * True when the response answers a command written ahead (and was handed to it): its tagged
     * answer, an ESEARCH whose correlator names it, or an untagged response its handler takes, offered
     * to the commands written ahead oldest first. A tagged answer to any other command lets the
     * commands written after it take answers from now on.
     */
    private boolean takenAhead(Response r) {
        if (ahead == null || ahead.isEmpty() || r.isBYE()) {
            return false;
        }
        if (r.isTagged()) {
            String tag = r.getTag();
            for (int i = 0; i < ahead.size(); i++) {
                Ahead a = ahead.get(i);
                if (a.tag.equals(tag)) {
                    ahead.remove(i);
                    if (!r.isOK()) {
                        LOG.debug("{} (written ahead) answered: {}", a.command, r);
                    }
                    a.done.accept(r);
                    return true;
                }
            }
            for (Ahead a : ahead) {
                if (tag.equals(a.after)) {
                    a.after = null;
                }
            }
            return false;
        }
        String correlated = Wire.esearchTag(r);
        for (Ahead a : ahead) {
            if (a.after != null) {
                return false;  // what follows belongs to the command it was written after
            }
            if (correlated != null && !correlated.equals(a.tag)) {
                continue;
            }
            try {
                if (a.handler.handle(r)) {
                    return true;
                }
            } catch (Exception e) {
                LOG.debug("{} (written ahead): answer not understood: {}", a.command, e.toString());
                return false;
            }
            if (correlated != null) {
                return false;
            }
        }
        return false;
    }

    /** Angus's folder close: with {@link #deferClosing()} written ahead, answered in the next flight. */
    @Override
    public void unselect() throws ProtocolException {
        if (!deferClosing || !hasCapability("UNSELECT")) {
            super.unselect();
            return;
        }
        try {
            writeAhead("UNSELECT", null, r -> false, r -> { });
        } catch (IOException e) {
            throw new ProtocolException("UNSELECT: " + e.getMessage(), e);
        }
    }

    /**
     * LOGOUT with nothing after it: with {@link #deferClosing()} written and the connection closed
     * without waiting for the server's BYE (RFC 9051 section 6.1.3 asks nothing more of the client).
     */
    @Override
    public void logout() throws ProtocolException {
        if (!deferClosing) {
            super.logout();
            return;
        }
        try {
            readWhatHasArrived();
            writeCommand("LOGOUT", null);
            LOG.debug("C: LOGOUT (not waiting for the answer)");
        } catch (IOException | RuntimeException e) {
            LOG.debug("LOGOUT: {}", e.toString());
        } finally {
            disconnect();
        }
    }

    /**
     * Takes the answers to commands written ahead that are already here, without waiting for more. A
     * socket closed with answers unread is reset (RST) rather than closed, and a server that reads
     * the reset before it has read the LOGOUT (or a SUBSCRIBE written ahead) drops what it had not read.
     */
    private synchronized void readWhatHasArrived() throws IOException {
        try {
            while (aheadPending() && getInputStream().available() > 0) {
                Response r = super.readResponse();
                if (!takenAhead(r)) {
                    notifyResponseHandlers(new Response[] {r});
                }
            }
        } catch (ProtocolException e) {
            LOG.debug("reading the answers written ahead before LOGOUT: {}", e.toString());
        }
    }

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
