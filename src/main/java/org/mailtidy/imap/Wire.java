package org.mailtidy.imap;

import java.io.IOException;
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
