package org.mailtidy.imap;

import java.io.IOException;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.LiteralException;
import org.eclipse.angus.mail.iap.Protocol;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one raw command and streams its responses: unlike {@code Protocol.command}, which keeps
 * every response of a {@code UID FETCH 1:*} in memory, each untagged response goes to the handler
 * as it arrives; what the handler does not consume goes to Angus's response handlers (so EXPUNGE,
 * EXISTS and FETCH FLAGS keep its message cache right).
 */
final class Wire {
    private static final Logger LOG = LoggerFactory.getLogger(Wire.class);

    /**
     * RFC 2683 section 3.2.1.5: servers should accept command lines of 8000 octets; our whole line
     * (tag, command, CRLF) stays below it.
     */
    static final int LINE_LIMIT = 8000;
    private static final int TAG_AND_CRLF = 24;

    /** Receives untagged responses; returns true when it consumed the response. */
    @FunctionalInterface
    interface Handler {
        boolean handle(Response response) throws Exception;
    }

    /** Inspects every untagged response, consumed or not (UIDVALIDITY watch). */
    @FunctionalInterface
    interface Observer {
        void observe(Response response);
    }

    private Wire() {
    }

    /** The room left for a UID set in a command line made of {@code prefix set suffix}. */
    static int setBudget(String prefix, String suffix) {
        return LINE_LIMIT - TAG_AND_CRLF - prefix.length() - suffix.length() - 2;
    }

    /**
     * Runs the command; the handler's first exception is rethrown (wrapped) after the tagged
     * response, so the connection stays in step.
     */
    static Response run(Protocol p, String command, Argument args, Handler handler, Observer observer)
            throws ProtocolException {
        synchronized (p) {
            LOG.debug("C: {}", command);
            String tag;
            try {
                tag = p.writeCommand(command, args);
            } catch (LiteralException refused) {
                return finish(p, refused.getResponse(), null);
            } catch (IOException | ProtocolException e) {
                return finish(p, Response.byeResponse(e), null);
            }
            Exception handlerFailure = null;
            while (true) {
                Response r;
                try {
                    r = p.readResponse();
                } catch (IOException e) {
                    return finish(p, Response.byeResponse(e), handlerFailure);
                }
                if (r.isTagged() && tag.equals(r.getTag())) {
                    return finish(p, r, handlerFailure);
                }
                if (r.isBYE()) {
                    return finish(p, r, handlerFailure);
                }
                observer.observe(r);
                boolean consumed = false;
                if (handlerFailure == null) {
                    try {
                        consumed = handler.handle(r);
                    } catch (Exception e) {
                        handlerFailure = e;
                    }
                }
                if (!consumed) {
                    p.notifyResponseHandlers(new Response[] {r});
                }
            }
        }
    }

    /**
     * Most commands written before their answers are read (RFC 9051 section 5.5): a server reads
     * the next command while it answers the earlier ones, and servers buffer far more than this.
     */
    static final int MAX_IN_FLIGHT_COMMANDS = 64;
    /**
     * A system property that sends flights through a window of this many commands (and
     * {@link #MAX_IN_FLIGHT_OCTETS}) instead of writing them whole; 1 sends every command alone, in the
     * same order (for a server that mishandles pipelining, and for the tests that compare).
     */
    static final String MAX_IN_FLIGHT_PROPERTY = "mailtidy.imap.pipeline";
    /**
     * Most octets of commands written before their answers are read when a window applies (a flight
     * with a synchronizing literal, or {@link #MAX_IN_FLIGHT_PROPERTY} set). Below what the socket buffers of
     * the two ends hold (Linux: 128 KiB to receive, autotuned up; 16 KiB and more to send), so a write
     * never blocks for long while the server waits for its answers to be read. 32 KiB held only four
     * 8,000-octet UID STORE lines: at 100,000 messages a batch's stores took 14 flights.
     */
    static final int MAX_IN_FLIGHT_OCTETS = 128 * 1024;

    /**
     * One command of a pipelined flight; {@code syncLiteral}: its arguments may need a synchronizing
     * literal (non-ASCII text without LITERAL+), whose continuation can only be waited for alone.
     */
    record Pipelined(String command, Argument args, Handler handler, int octets, boolean syncLiteral,
                     java.util.function.Predicate<Response> concerns) {
        Pipelined(String command, Argument args, Handler handler, int octets, boolean syncLiteral) {
            this(command, args, handler, octets, syncLiteral, r -> false);
        }
    }

    /**
     * Sends the commands without waiting for each answer: as many as {@link #MAX_IN_FLIGHT_COMMANDS}
     * and {@link #MAX_IN_FLIGHT_OCTETS} allow are written, then answers are read, and each answer makes
     * room for the next command. The server answers commands in the order sent; an untagged response
     * goes to the handler of the oldest command not yet answered, the tagged one ends it. A command
     * the server refuses (NO, BAD) does not stop the others.
     *
     * @return each command's tagged response, in order
     * @throws ProtocolException the connection ended (BYE, I/O), or a handler failed (after every
     *                           answer was read)
     */
    static List<Response> pipeline(Protocol p, List<Pipelined> commands, Observer observer)
            throws ProtocolException {
        return pipeline(p, commands, observer, (i, r) -> { });
    }

    /** Receives each command's tagged answer as it arrives (index in the flight, answer). */
    @FunctionalInterface
    interface Answered {
        void answered(int index, Response tagged);
    }

    /**
     * The same, telling {@code each} every tagged answer at once, so a connection lost later loses none.
     * Unless {@link #MAX_IN_FLIGHT_PROPERTY} sets a window, a flight of several commands without a
     * synchronizing literal is written whole while its answers are read ({@link StreamedPipeline}), so
     * its size costs no round trips.
     */
    static List<Response> pipeline(Protocol p, List<Pipelined> commands, Observer observer, Answered each)
            throws ProtocolException {
        if (commands.size() > 1 && Integer.getInteger(MAX_IN_FLIGHT_PROPERTY) == null
                && commands.stream().noneMatch(Pipelined::syncLiteral)) {
            synchronized (p) {
                return StreamedPipeline.run(p, commands, observer, each);
            }
        }
        return windowed(p, commands, observer, each);
    }

    /**
     * At most {@link #MAX_IN_FLIGHT_COMMANDS} (or the property's number) and {@link #MAX_IN_FLIGHT_OCTETS}
     * in flight, written and read by the calling thread.
     */
    private static List<Response> windowed(Protocol p, List<Pipelined> commands, Observer observer, Answered each)
            throws ProtocolException {
        int maxInFlight = Math.max(1, Integer.getInteger(MAX_IN_FLIGHT_PROPERTY, MAX_IN_FLIGHT_COMMANDS));
        synchronized (p) {
            Response[] answers = new Response[commands.size()];
            String[] tags = new String[commands.size()];
            Exception handlerFailure = null;
            int written = 0;
            int answered = 0;
            int octetsInFlight = 0;
            while (answered < commands.size()) {
                while (written < commands.size() && written - answered < maxInFlight
                        && (written == answered || octetsInFlight + commands.get(written).octets()
                        <= MAX_IN_FLIGHT_OCTETS) && (written == answered || !commands.get(written).syncLiteral())) {
                    Pipelined c = commands.get(written);
                    LOG.debug("C: {} (pipelined, {} in flight)", c.command(), written - answered);
                    try {
                        tags[written] = p.writeCommand(c.command(), c.args());
                    } catch (LiteralException refused) {
                        tags[written] = null;
                        answers[written] = refused.getResponse();
                        each.answered(written, answers[written]);
                    } catch (IOException | ProtocolException e) {
                        return failConnection(p, Response.byeResponse(e));
                    }
                    octetsInFlight += c.octets();
                    written++;
                    if (answers[written - 1] != null) {
                        break;
                    }
                }
                while (answered < written && answers[answered] != null) {
                    octetsInFlight -= commands.get(answered).octets();
                    answered++;
                }
                if (answered == written) {
                    continue;
                }
                Response r;
                try {
                    r = p.readResponse();
                } catch (IOException e) {
                    return failConnection(p, Response.byeResponse(e));
                }
                if (r.isTagged()) {
                    int i = indexOf(tags, r.getTag(), answered, written);
                    if (i < 0) {
                        p.notifyResponseHandlers(new Response[] {r});
                        continue;
                    }
                    answers[i] = r;
                    each.answered(i, r);
                    while (answered < written && answers[answered] != null) {
                        octetsInFlight -= commands.get(answered).octets();
                        answered++;
                    }
                    continue;
                }
                if (r.isBYE()) {
                    return failConnection(p, r);
                }
                observer.observe(r);
                int owner = owner(r, commands, tags, answers, answered, written);
                handlerFailure = dispatch(p, commands.get(owner).handler(), r, handlerFailure);
            }
            answered(p);
            if (handlerFailure != null) {
                throw new HandlerFailure(handlerFailure);
            }
            return java.util.Arrays.asList(answers);
        }
    }

    /**
     * Which command in flight an untagged response answers. A server may run pipelined commands
     * concurrently (Dovecot runs searches so), so an ESEARCH names its command's tag (RFC 4731
     * section 3.1), a FETCH after a STORE the UID that command stored (a message is in one store of a
     * flight); anything else belongs to the oldest command not yet answered.
     */
    private static int owner(Response r, List<Pipelined> commands, String[] tags, Response[] answers, int from,
                             int to) {
        String tag = esearchTag(r);
        if (tag != null) {
            int i = indexOf(tags, tag, from, to);
            return i >= 0 ? i : from;
        }
        for (int i = from; i < to; i++) {
            if (answers[i] == null && commands.get(i).concerns().test(r)) {
                return i;
            }
        }
        return from;
    }

    /** The tag in an ESEARCH's correlator {@code (TAG "A5")}, read from a copy (the response is left unread). */
    static String esearchTag(Response r) {
        if (!(r instanceof org.eclipse.angus.mail.imap.protocol.IMAPResponse ir) || !ir.keyEquals("ESEARCH")) {
            return null;
        }
        Response copy = new Response(r);
        copy.skipSpaces();
        if (copy.peekByte() != '(') {
            return null;
        }
        StringBuilder correlator = new StringBuilder();
        for (byte b = copy.readByte(); b != ')' && b != 0 && correlator.length() < 200; b = copy.readByte()) {
            correlator.append((char) (b & 0xff));
        }
        java.util.regex.Matcher m = ESEARCH_TAG.matcher(correlator);
        return m.find() ? m.group(1) : null;
    }

    private static final java.util.regex.Pattern ESEARCH_TAG = java.util.regex.Pattern.compile(
            "TAG\\s+\"([^\"]*)\"", java.util.regex.Pattern.CASE_INSENSITIVE);

    private static int indexOf(String[] tags, String tag, int from, int to) {
        for (int i = from; i < to; i++) {
            if (tag.equals(tags[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Hands an untagged answer to its command's handler, unless a handler of the flight failed
     * already; what the handler does not take goes to Angus's handlers. Returns the flight's first
     * handler failure.
     */
    static Exception dispatch(Protocol p, Handler handler, Response r, Exception failure) {
        boolean consumed = false;
        if (failure == null) {
            try {
                consumed = handler.handle(r);
            } catch (Exception e) {
                failure = e;
            }
        }
        if (!consumed) {
            p.notifyResponseHandlers(new Response[] {r});
        }
        return failure;
    }

    /** The connection ended (BYE, I/O): Angus is told, as for its own commands, and this throws. */
    static List<Response> failConnection(Protocol p, Response bye) throws ProtocolException {
        p.notifyResponseHandlers(new Response[] {bye});
        p.handleResult(bye);
        throw new ProtocolException("the connection ended: " + bye);
    }

    private static Response finish(Protocol p, Response last, Exception handlerFailure) throws ProtocolException {
        answered(p);
        if (last.isBYE()) {
            p.notifyResponseHandlers(new Response[] {last});
        }
        p.handleResult(last);
        if (handlerFailure != null) {
            throw new HandlerFailure(handlerFailure);
        }
        return last;
    }

    /**
     * Tells Angus the connection just answered. Its {@code Protocol.command} stamps the time of each
     * answer, and its folder sends a {@code NOOP} before a command when the last stamp is more than a
     * second old; commands sent here bypass {@code command}, so without this every command after a
     * second of raw commands (a run over a slow network) would cost a NOOP round trip.
     */
    static void answered(Protocol p) {
        if (TIMESTAMP != null) {
            TIMESTAMP.setVolatile(p, System.currentTimeMillis());
        }
    }

    private static final java.lang.invoke.VarHandle TIMESTAMP = timestampHandle();

    private static java.lang.invoke.VarHandle timestampHandle() {
        try {
            return java.lang.invoke.MethodHandles.privateLookupIn(Protocol.class, java.lang.invoke.MethodHandles.lookup())
                    .findVarHandle(Protocol.class, "timestamp", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot reach Angus's Protocol.timestamp ({}); Angus sends its NOOPs", e.toString());
            return null;
        }
    }

    /** Carries a handler's exception through Angus's {@code doCommand}, which only passes ProtocolException. */
    static final class HandlerFailure extends ProtocolException {
        HandlerFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
