package org.mailtidy.imap;

import java.io.IOException;
import java.util.List;
import org.eclipse.angus.mail.iap.Protocol;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flight of pipelined commands written by a thread of its own while the calling thread reads the
 * answers (docs/adr/0018). A window of command octets written before reading (decision 7) keeps a
 * single thread from blocking in a write while the server blocks writing answers nobody reads; but a
 * window costs a round trip per window's worth of commands (at 100,000 messages the last store flight
 * and its 16 {@code UID EXPUNGE} pieces were 240 KB: five round trips). Here the reader never stops
 * reading while commands are written, so the server's answers always drain and the writer's blocking
 * write only waits for the server to read: every command of the flight goes out at once, whatever its
 * size. Answers stream through the handlers as before, so memory does not grow with the flight, and
 * the reading side keeps the limits of {@link ResponseGuard}.
 *
 * <p>Only commands without a synchronizing literal come here (its continuation is read by the writing
 * thread, {@link Wire#pipeline} sends such a flight windowed).
 */
final class StreamedPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedPipeline.class);
    /** How long to wait for the writer to end once every answer is in (it has written everything by then). */
    private static final long WRITER_END_MILLIS = 10_000;

    private final Protocol p;
    private final List<Wire.Pipelined> commands;
    private final String[] tags;
    /** Commands whose write began; an answer can concern only these. */
    private int started;
    /** Commands written, their tags known. */
    private int written;
    private boolean writerEnded;
    private Exception writeFailure;

    private StreamedPipeline(Protocol p, List<Wire.Pipelined> commands) {
        this.p = p;
        this.commands = commands;
        this.tags = new String[commands.size()];
    }

    /** As {@link Wire#pipeline}; the caller holds the protocol's lock. */
    static List<Response> run(Protocol p, List<Wire.Pipelined> commands, Wire.Observer observer, Wire.Answered each)
            throws ProtocolException {
        return new StreamedPipeline(p, commands).run(observer, each);
    }

    private List<Response> run(Wire.Observer observer, Wire.Answered each) throws ProtocolException {
        if (p instanceof LineEndTolerantProtocol t) {
            try {
                t.writeQueuedNow();
            } catch (IOException e) {
                return Wire.failConnection(p, Response.byeResponse(e));
            }
        }
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        Thread writer = new Thread(() -> {
            // its DEBUG lines name the run's account and mailbox as the reader's do
            if (context != null) {
                org.slf4j.MDC.setContextMap(context);
            }
            writeAll();
        }, "mailtidy-imap-writer");
        writer.setDaemon(true);
        writer.start();
        boolean completed = false;
        try {
            List<Response> answers = readAll(observer, each);
            completed = true;
            awaitWriterEnd(writer);
            return answers;
        } finally {
            if (!completed && stillWriting()) {
                abandon();
            }
        }
    }

    private List<Response> readAll(Wire.Observer observer, Wire.Answered each) throws ProtocolException {
        Response[] answers = new Response[commands.size()];
        Exception handlerFailure = null;
        int answered = 0;
        while (answered < commands.size()) {
            Exception failed = writeFailureOnceAnswered(answered);
            if (failed != null) {
                return Wire.failConnection(p, Response.byeResponse(failed));
            }
            Response r;
            try {
                r = p.readResponse();
            } catch (IOException e) {
                return Wire.failConnection(p, Response.byeResponse(e));
            }
            if (r.isTagged()) {
                int i = indexOf(r.getTag(), answered);
                if (i < 0) {
                    p.notifyResponseHandlers(new Response[] {r});
                    continue;
                }
                answers[i] = r;
                each.answered(i, r);
                while (answered < commands.size() && answers[answered] != null) {
                    answered++;
                }
                continue;
            }
            if (r.isBYE()) {
                return Wire.failConnection(p, r);
            }
            observer.observe(r);
            handlerFailure = Wire.dispatch(p, commands.get(owner(r, answers, answered)).handler(), r, handlerFailure);
        }
        Wire.answered(p);
        if (handlerFailure != null) {
            throw new Wire.HandlerFailure(handlerFailure);
        }
        return java.util.Arrays.asList(answers);
    }

    private void writeAll() {
        for (int i = 0; i < commands.size(); i++) {
            Wire.Pipelined c = commands.get(i);
            synchronized (this) {
                started = i + 1;
            }
            try {
                LOG.debug("C: {} (pipelined, written while reading)", c.command());
                String tag = p.writeCommand(c.command(), c.args());
                synchronized (this) {
                    tags[i] = tag;
                    written = i + 1;
                    notifyAll();
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                synchronized (this) {
                    writeFailure = e;
                    started = written;
                    writerEnded = true;
                    notifyAll();
                }
                return;
            }
        }
        synchronized (this) {
            writerEnded = true;
            notifyAll();
        }
    }

    private synchronized boolean stillWriting() {
        return !writerEnded && written < commands.size();
    }

    /**
     * The writer's failure once every command it wrote is answered: nothing more will come (a failed
     * write is a broken connection; the reader still takes the answers to what went out).
     */
    private synchronized Exception writeFailureOnceAnswered(int answered) {
        return writeFailure != null && answered >= written ? writeFailure : null;
    }

    /**
     * The command in flight with this tag, or -1. A tagged answer can arrive before the writer learnt
     * the tag Angus gave its command (it is known once the write returns, which is at once: the server
     * has read the whole command), so a tag not found waits while a write is under way, but not long:
     * a tag of no command of ours (a hostile server) must not keep us from reading while the writer
     * waits for the server to read.
     */
    private synchronized int indexOf(String tag, int from) {
        long deadline = System.nanoTime() + TAG_WAIT_NANOS;
        while (true) {
            for (int i = from; i < written; i++) {
                if (tag.equals(tags[i])) {
                    return i;
                }
            }
            long left = deadline - System.nanoTime();
            if (written >= started || left <= 0) {
                return -1;
            }
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private static final long TAG_WAIT_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2000);

    /** As {@code Wire.owner}: the ESEARCH's tag, else the command that says it concerns the response, else the oldest. */
    private int owner(Response r, Response[] answers, int from) {
        String tag = Wire.esearchTag(r);
        if (tag != null) {
            int i = indexOf(tag, from);
            return i >= 0 ? i : from;
        }
        int to;
        synchronized (this) {
            to = started;
        }
        for (int i = from; i < to; i++) {
            if (answers[i] == null && commands.get(i).concerns().test(r)) {
                return i;
            }
        }
        return from;
    }

    /**
     * The reading failed (the connection is declared lost) while the writer may be blocked writing to a
     * server that does not read: closing the socket ends that write. Without it whatever writes next on
     * this connection (Angus's LOGOUT on close) would wait for the writer's socket lock forever.
     */
    private void abandon() {
        java.net.Socket socket = SOCKET == null ? null : (java.net.Socket) SOCKET.get(p);
        if (socket == null) {
            return;
        }
        LOG.debug("reading a pipelined flight failed while commands were still written; closing the socket");
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing the socket: {}", e.toString());
        }
    }

    private static final java.lang.invoke.VarHandle SOCKET = socketHandle();

    private static java.lang.invoke.VarHandle socketHandle() {
        try {
            return java.lang.invoke.MethodHandles.privateLookupIn(Protocol.class, java.lang.invoke.MethodHandles.lookup())
                    .findVarHandle(Protocol.class, "socket", java.net.Socket.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot reach Angus's Protocol.socket ({})", e.toString());
            return null;
        }
    }

    private static void awaitWriterEnd(Thread writer) {
        try {
            writer.join(WRITER_END_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
