package org.mailtidy.imap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads IMAP response lines like Angus's {@link ResponseInputStream}, but also takes a bare LF as
 * the end of a line. GNU Mailutils imap4d with GSASL (Debian's default) ends the OK line after
 * {@code AUTHENTICATE PLAIN} with LF alone; Angus waits for a CRLF that never comes until its read
 * timeout. Outside literals, IMAP allows CR and LF only as the CRLF pair (RFC 3501 section 9:
 * quoted strings and text exclude both), so a bare LF there can only mean the end of the line;
 * literals are read by their byte count, untouched. The line is handed on ending in CRLF, as Angus
 * expects.
 *
 * <p>It reads from the same buffered stream as the original, byte by byte as Angus does, so
 * Angus's {@code hasResponse()} (which asks the original how much is waiting) stays right.
 */
final class LineEndTolerantInput extends ResponseInputStream {
    private static final Logger LOG = LoggerFactory.getLogger(LineEndTolerantInput.class);
    private static final int MAX_LITERAL_DIGITS = 10;
    private final InputStream in;
    private final String server;
    private boolean reported;

    private LineEndTolerantInput(InputStream in, String server) {
        super(InputStream.nullInputStream());
        this.in = in;
        this.server = server;
    }

    /**
     * The tolerant reader over the stream {@code original} reads, or {@code original} itself where
     * that stream cannot be reached (Angus on a module path): then a bare LF waits for the timeout.
     */
    static ResponseInputStream over(ResponseInputStream original, String server) {
        try {
            Field bin = ResponseInputStream.class.getDeclaredField("bin");
            bin.setAccessible(true);
            return new LineEndTolerantInput((InputStream) bin.get(original), server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot read {}'s responses line-end tolerant ({}); a bare LF waits for the read timeout",
                    server, e.toString());
            return original;
        }
    }

    @Override
    public ByteArray readResponse(ByteArray ba) throws IOException {
        ByteArray out = ba != null ? ba : new ByteArray(128);
        byte[] buf = out.getBytes();
        int n = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("Connection dropped by server?");
            }
            if (b == '\n' && (n == 0 || buf[n - 1] != '\r')) {
                reportBareLf(buf, n);
                buf = put(out, buf, n++, (byte) '\r');
            }
            buf = put(out, buf, n++, (byte) b);
            if (b != '\n') {
                continue;
            }
            int literal = literalLength(buf, n);
            if (literal < 0) {
                break;
            }
            if (n + literal > buf.length) {
                out.grow(n + literal - buf.length + 64);
                buf = out.getBytes();
            }
            int read = in.readNBytes(buf, n, literal);
            if (read < literal) {
                throw new IOException("Connection dropped by server?");
            }
            n += literal;
        }
        out.setCount(n);
        return out;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    private void reportBareLf(byte[] buf, int n) {
        if (!reported) {
            reported = true;
            String line = new String(buf, 0, Math.min(n, 80), java.nio.charset.StandardCharsets.ISO_8859_1);
            LOG.debug("{} ended a response line with a bare LF (taken as CRLF): {}", server,
                    line.replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    private static byte[] put(ByteArray out, byte[] buf, int at, byte b) {
        byte[] target = buf;
        if (at >= target.length) {
            out.grow(Math.max(256, target.length));
            target = out.getBytes();
        }
        target[at] = b;
        return target;
    }

    /** The n of a line ending in {@code {n}CRLF}, or -1 if it announces no literal. */
    private static int literalLength(byte[] buf, int n) {
        if (n < 5 || buf[n - 3] != '}') {
            return -1;
        }
        int i = n - 4;
        int digitsEnd = i;
        while (i >= 0 && buf[i] >= '0' && buf[i] <= '9') {
            i--;
        }
        int digits = digitsEnd - i;
        if (i < 0 || buf[i] != '{' || digits == 0 || digits > MAX_LITERAL_DIGITS) {
            return -1;
        }
        long value = Long.parseLong(new String(buf, i + 1, digits, java.nio.charset.StandardCharsets.US_ASCII));
        if (value > Integer.MAX_VALUE - 1024) {
            return -1;
        }
        return (int) value;
    }
}
