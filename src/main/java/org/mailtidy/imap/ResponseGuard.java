package org.mailtidy.imap;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@link ServerLimits} of one connection, enforced on its socket's byte streams below Angus
 * (installed through Angus's socket factory properties, see {@link GuardedSocketFactory}): what the
 * server sends is scanned before Angus's reader sees it, and the command and login deadlines are
 * kept by shortening the socket's read timeout as a deadline comes near. On the first violation
 * the socket is closed, so nothing more is read or waited for, and every later read fails with the
 * same {@link LimitExceeded}. {@link #abort()} closes the socket from any thread (shutdown).
 */
public final class ResponseGuard {
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    /** The most octets one answer that Angus keeps whole may have. */
    static final long ANSWER_LIMIT = 32 * ServerLimits.MB;

    private final ServerLimits limits;
    private final String server;
    private final long created = System.nanoTime();
    private volatile boolean loggedIn;
    private volatile String verb = "the greeting";
    private volatile long commandStarted = created;
    private volatile boolean idle;
    private volatile long responses;
    /** Octets received since the current command was sent. */
    private volatile long received;
    private volatile long exists;
    private volatile LimitExceeded violation;
    private volatile Socket socket;
    /** The layer (plain, then TLS after STARTTLS) whose streams are scanned; the ones below pass bytes on. */
    private volatile Object layer = new Object();

    /** @param server {@code host:port}, for messages */
    public ResponseGuard(ServerLimits limits, String server) {
        this.limits = limits;
        this.server = server;
    }

    /** {@code host:port}, as messages name the server. */
    public String server() {
        return server;
    }

    public ServerLimits limits() {
        return limits;
    }

    /** From now on each command has its own deadline instead of the login's. */
    public void loggedIn() {
        commandStarted = System.nanoTime();
        loggedIn = true;
    }

    /** The limit the server went past, if it did. */
    public LimitExceeded violation() {
        return violation;
    }

    private volatile javax.net.ssl.SSLSocket tls;

    /** The connection's TLS layer (implicit TLS or STARTTLS). */
    void tls(javax.net.ssl.SSLSocket socket) {
        tls = socket;
    }

    /** The TLS session of the connection, once its handshake is done; empty without TLS. */
    java.util.Optional<javax.net.ssl.SSLSession> tlsSession() {
        javax.net.ssl.SSLSocket s = tls;
        return s == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(s.getSession());
    }

    /** False once the socket is closed (by either side, as far as this side has learnt); sends nothing. */
    boolean socketOpen() {
        Socket s = socket;
        return s != null && !s.isClosed() && violation == null;
    }

    /** Closes the socket: a blocked read returns at once (with an error). From any thread. */
    public void abort() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    long exists() {
        return exists;
    }

    void exists(long n) {
        exists = n;
    }

    long lineLimit() {
        return limits.maxLine() + ServerLimits.SEARCH_OCTETS_PER_MESSAGE * exists;
    }

    /**
     * mailtidy's own UID commands stream their answers (one response in memory at a time) and may
     * answer for every message; Angus's commands (SELECT, LIST, ...) keep all their responses, so
     * their count does not grow with the mailbox.
     */
    private long responseLimit() {
        return answering().startsWith("UID ") ? limits.maxResponses() + 2 * exists : limits.maxResponses();
    }

    void responseEnded() throws LimitExceeded {
        long n = ++responses;
        if (!idle && n > responseLimit()) {
            throw fail("sent more than " + String.format(Locale.ROOT, "%,d", responseLimit()) + " responses to "
                    + answering() + (answering().startsWith("UID ") ? " (the limit for a mailbox of " + exists
                    + " messages)" : ""));
        }
    }

    /**
     * Angus keeps every response of its own commands (greeting, LOGIN, SELECT, NOOP, ...) until
     * the command ends, so their answers together are limited too; mailtidy's UID commands and
     * IDLE take one response at a time.
     */
    void received(int n) throws LimitExceeded {
        long total = received += n;
        if (total > ANSWER_LIMIT && !idle && !answering().startsWith("UID ")) {
            throw fail("sent more than " + ServerLimits.octets(ANSWER_LIMIT) + " in answer to " + answering());
        }
    }

    /** Records the violation, closes the socket and returns the exception to throw. */
    LimitExceeded fail(String what) {
        LimitExceeded e = violation;
        if (e == null) {
            e = new LimitExceeded(server + " " + what);
            violation = e;
        }
        abort();
        return e;
    }

    /** A new layer of streams over {@code raw} (the socket to close on abort); the earlier layers pass bytes on. */
    Object newLayer(Socket raw) {
        Object token = new Object();
        layer = token;
        socket = raw;
        return token;
    }

    private long deadline() {
        if (!loggedIn) {
            return created + limits.loginTimeout().toNanos();
        }
        return idle ? NO_DEADLINE : commandStarted + limits.commandTimeout().toNanos();
    }

    private LimitExceeded deadlinePassed() {
        if (!loggedIn) {
            return fail("did not complete the greeting and login within "
                    + ServerLimits.duration(limits.loginTimeout()) + " (login_timeout)");
        }
        return fail("did not finish answering " + answering() + " within "
                + ServerLimits.duration(limits.commandTimeout()) + " (command_timeout)");
    }

    /**
     * Commands written and not answered yet, oldest first (tag, verb): with pipelining the command the
     * server is stuck on is the oldest one, not the last one written.
     */
    private final java.util.ArrayDeque<String[]> unanswered = new java.util.ArrayDeque<>();

    private synchronized void written(String tag, String v) {
        unanswered.add(new String[] {tag, v});
        if (unanswered.size() > 10_000) {
            unanswered.poll();
        }
    }

    /** The server completed the command with this tag (and so every one written before it). */
    synchronized void taggedAnswer(String tag) {
        if (unanswered.stream().noneMatch(c -> c[0].equals(tag))) {
            return;
        }
        // the next command's answers are counted from here
        responses = 0;
        received = 0;
        while (!unanswered.isEmpty()) {
            if (unanswered.poll()[0].equals(tag)) {
                return;
            }
        }
    }

    /** The command the server is answering: the oldest one written and not answered. */
    private synchronized String answering() {
        return unanswered.isEmpty() ? verb : unanswered.peek()[1];
    }

    /**
     * The client starts a line: a command, DONE (the end of IDLE), or a line that is no command (a
     * literal's data, a SASL response), which changes nothing here: the limits are those of the command
     * being answered.
     */
    private void commandStarted(byte[] b, int off, int len) {
        String start = new String(b, off, Math.min(len, 40), StandardCharsets.US_ASCII);
        String[] words = start.split("[ \\r\\n]", 4);
        String v;
        if (start.startsWith("DONE")) {
            v = "DONE";
        } else if (words.length > 1 && !words[1].isEmpty() && isTag(words[0])) {
            v = words[1].toUpperCase(Locale.ROOT);
            if (v.equals("UID") && words.length > 2) {
                v = "UID " + words[2].toUpperCase(Locale.ROOT);
            }
            // only the verb is kept: LOGIN's arguments are a password
            v = v.replaceAll("[^A-Z0-9 .-]", "");
            written(words[0], v);
        } else {
            return;
        }
        verb = v;
        idle = verb.equals("IDLE");
        responses = 0;
        received = 0;
        if (loggedIn) {
            commandStarted = System.nanoTime();
        }
    }

    /** Angus's tags: a few letters, then a number. */
    private static boolean isTag(String word) {
        return word.matches("[A-Za-z]{1,4}[0-9]{1,9}");
    }

    InputStream input(InputStream in, Socket timeouts, Object token) {
        return new Input(in, timeouts, token);
    }

    OutputStream output(OutputStream out, Object token) {
        return new Output(out, token);
    }

    /** Scans what the server sends; keeps the deadlines with the socket's read timeout. */
    private final class Input extends FilterInputStream {
        private final Socket timeouts;
        private final Object token;
        private final ResponseScanner scanner = new ResponseScanner(ResponseGuard.this);
        private int base = -1;
        private int current = -1;
        private boolean shortened;

        Input(InputStream in, Socket timeouts, Object token) {
            super(in);
            this.timeouts = timeouts;
            this.token = token;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (layer != token) {
                return in.read(b, off, len);
            }
            if (violation != null) {
                throw violation;
            }
            long deadline = deadline();
            timeoutUntil(deadline);
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                // a read timeout shortened to the deadline is the deadline's, milliseconds early or not
                if (deadline != NO_DEADLINE && (shortened || System.nanoTime() - deadline >= 0)) {
                    throw deadlinePassed();
                }
                throw e;
            } catch (IOException e) {
                if (violation != null) {
                    throw violation;
                }
                throw e;
            }
            if (n > 0) {
                scanner.scan(b, off, n);
                received(n);
            }
            return n;
        }

        /** The read timeout, shortened so that a read returns by the deadline. */
        private void timeoutUntil(long deadline) throws IOException {
            if (timeouts == null) {
                if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
                    throw deadlinePassed();
                }
                return;
            }
            int now = timeouts.getSoTimeout();
            if (now != current) {
                base = now;
            }
            int want = base;
            shortened = false;
            if (deadline != NO_DEADLINE) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw deadlinePassed();
                }
                if (base == 0 || left < base) {
                    want = (int) Math.min(Integer.MAX_VALUE, left);
                    shortened = true;
                }
            }
            if (want != now) {
                timeouts.setSoTimeout(want);
            }
            current = want;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Notes where each command starts, for its deadline and its name in messages. */
    private final class Output extends FilterOutputStream {
        private final Object token;
        private boolean lineStart = true;

        Output(OutputStream out, Object token) {
            super(out);
            this.token = token;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (layer == token && len > 0) {
                if (lineStart) {
                    commandStarted(b, off, len);
                }
                lineStart = b[off + len - 1] == '\n';
            }
            out.write(b, off, len);
        }
    }
}
