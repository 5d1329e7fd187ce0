package org.mailtidy.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailtidy.imap.ConnectionSettings;

/**
 * A scripted IMAP server on a loopback port that misbehaves in one chosen way. Until the point of
 * misbehaviour it is a tiny plausible server (CAPABILITY, LOGIN with any user and password, LIST,
 * SELECT/EXAMINE of an INBOX of three messages, UID FETCH, UID SEARCH, UID STORE/COPY/MOVE/EXPUNGE,
 * LOGOUT), so a client gets as far as the misbehaviour. Plain text only; one thread per connection.
 * Command lines received are recorded for assertions (first 200 characters).
 */
public final class HostileImapServer implements AutoCloseable {

    /** How the server misbehaves. */
    public enum Behaviour {
        /** Answers the flag fetch with a FETCH announcing a literal of 2,000,000,000 octets, then stalls. */
        HUGE_LITERAL,
        /** Answers the flag fetch with a response line that never ends (a FLAGS list of endless bytes). */
        ENDLESS_LINE,
        /** Answers SELECT with {@code * 1000000000 EXISTS} and {@code [UIDNEXT 99999999999]}. */
        HUGE_EXISTS,
        /** Answers SELECT one byte every half second, forever (no read timeout ever fires). */
        SLOW_TRICKLE,
        /** Answers the first command after LOGIN with endless random bytes. */
        RANDOM_BYTES_AFTER_LOGIN,
        /** Closes the connection in the middle of a FETCH response line. */
        CUT_MID_RESPONSE,
        /** Answers UID SEARCH with 100,000 UIDs for a mailbox of three messages. */
        HUGE_SEARCH,
        /** Sends {@code * BYE} after the first FETCH response of the flag fetch, then closes. */
        BYE_MID_COMMAND,
        /**
         * A new UIDVALIDITY at each SELECT, and an unsolicited {@code * OK [UIDVALIDITY n]} in the
         * middle of the flag fetch (the mailbox recreated under the session).
         */
        UIDVALIDITY_CHANGE,
        /** Answers the flag fetch with 100,000 keywords on message 1. */
        MANY_KEYWORDS,
        /** The greeting comes one byte every half second, forever (the login deadline's case). */
        SLOW_GREETING,
        /**
         * At the first UID SEARCH stops reading and answers nothing until it is closed: a long pipelined
         * flight fills both ends' buffers and the client's write blocks.
         */
        STOPS_READING,
        /** No misbehaviour: the plausible server alone (to check the script itself). */
        NONE
    }

    public static final int MESSAGES = 3;
    public static final long UID_VALIDITY = 1;
    private static final String CAPABILITIES = "IMAP4rev1 UIDPLUS MOVE";
    private static final Pattern TAGGED = Pattern.compile("^(\\S+) (.*)$", Pattern.DOTALL);
    private static final Pattern SET = Pattern.compile("(?i)^UID (?:FETCH|STORE|COPY|MOVE|EXPUNGE) ([0-9:*,]+)");
    private static final Pattern SECTION = Pattern.compile("(?i)BODY\\.PEEK(\\[[^\\]]*\\])");

    private final Behaviour behaviour;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger selects = new AtomicInteger();
    private volatile boolean misbehaved;
    /** ESEARCH only where the searches must go pipelined (the client sends them one at a time without it). */
    private String capabilities() {
        return behaviour == Behaviour.STOPS_READING ? CAPABILITIES + " ESEARCH" : CAPABILITIES;
    }

    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    private HostileImapServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "hostile-imap-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public static HostileImapServer start(Behaviour behaviour) {
        try {
            return new HostileImapServer(behaviour);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** Plain LOGIN on loopback, any user and password (the server accepts every login). */
    public ConnectionSettings settings() {
        return ConnectionSettings.login(host(), port(), ConnectionSettings.Security.NONE, "hostile", "hostile-pw");
    }

    /** True once the server has started its misbehaviour on some connection. */
    public boolean misbehaved() {
        return misbehaved;
    }

    /** Command lines the clients sent (tag included), in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(HostileImapServer::closeQuietly);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(client), "hostile-imap-" + behaviour);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            new Session(socket).run();
        } catch (IOException | RuntimeException e) {
            // the client went away, or closed on us mid-misbehaviour: that is the point
        }
    }

    /** One connection's script. */
    private final class Session {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean loggedIn;
        private boolean afterLogin;
        private long uidValidity = UID_VALIDITY;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            if (behaviour == Behaviour.SLOW_GREETING) {
                misbehaved = true;
                trickle("* OK [CAPABILITY " + capabilities() + "] hostile server ready\r\n");
                return;
            }
            send("* OK [CAPABILITY " + capabilities() + "] hostile server ready\r\n");
            for (String line; (line = readLine()) != null; ) {
                commands.add(line.length() > 200 ? line.substring(0, 200) : line);
                Matcher m = TAGGED.matcher(line);
                if (!m.matches()) {
                    send("* BAD no tag\r\n");
                    continue;
                }
                if (!answer(m.group(1), m.group(2))) {
                    return;
                }
            }
        }

        /** Answers one command; false when the session is over. */
        private boolean answer(String tag, String command) throws IOException {
            String upper = command.toUpperCase(Locale.ROOT);
            if (afterLogin && behaviour == Behaviour.RANDOM_BYTES_AFTER_LOGIN) {
                misbehaved = true;
                Random random = new Random(13);
                byte[] junk = new byte[8192];
                while (true) {
                    random.nextBytes(junk);
                    out.write(junk);
                    out.flush();
                }
            }
            if (upper.startsWith("CAPABILITY")) {
                send("* CAPABILITY " + capabilities() + "\r\n" + tag + " OK done\r\n");
            } else if (upper.startsWith("LOGIN ")) {
                loggedIn = true;
                afterLogin = true;
                send(tag + " OK [CAPABILITY " + capabilities() + "] logged in\r\n");
                return true;
            } else if (upper.startsWith("LOGOUT")) {
                send("* BYE logging out\r\n" + tag + " OK bye\r\n");
                return false;
            } else if (!loggedIn) {
                send(tag + " BAD log in first\r\n");
            } else if (upper.startsWith("LIST ")) {
                send(upper.contains("\"\" \"\"") ? "* LIST (\\Noselect) \"/\" \"\"\r\n"
                        : "* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
                send(tag + " OK listed\r\n");
            } else if (upper.startsWith("SELECT ") || upper.startsWith("EXAMINE ")) {
                return select(tag, upper.startsWith("EXAMINE"));
            } else if (upper.startsWith("UID FETCH ")) {
                return fetch(tag, command);
            } else if (upper.startsWith("UID SEARCH") && behaviour == Behaviour.STOPS_READING) {
                misbehaved = true;
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            } else if (upper.startsWith("UID SEARCH")) {
                search(tag);
            } else if (upper.startsWith("STATUS ")) {
                send("* STATUS INBOX (UIDNEXT " + (MESSAGES + 1) + ")\r\n" + tag + " OK status\r\n");
            } else if (upper.startsWith("NOOP") || upper.startsWith("UID STORE") || upper.startsWith("UID COPY")
                    || upper.startsWith("UID MOVE") || upper.startsWith("UID EXPUNGE") || upper.startsWith("CLOSE")
                    || upper.startsWith("UNSELECT") || upper.startsWith("CREATE") || upper.startsWith("SUBSCRIBE")
                    || upper.startsWith("ENABLE") || upper.startsWith("ID")) {
                send(tag + " OK done\r\n");
            } else {
                send(tag + " BAD unknown command\r\n");
            }
            afterLogin = false;
            return true;
        }

        private boolean select(String tag, boolean examine) throws IOException {
            afterLogin = false;
            int n = selects.incrementAndGet();
            if (behaviour == Behaviour.UIDVALIDITY_CHANGE) {
                uidValidity = n;
            }
            String answer = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                    + "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] flags\r\n"
                    + "* " + MESSAGES + " EXISTS\r\n* 0 RECENT\r\n"
                    + "* OK [UIDVALIDITY " + uidValidity + "] uids valid\r\n"
                    + "* OK [UIDNEXT " + (MESSAGES + 1) + "] next uid\r\n"
                    + tag + " OK [" + (examine ? "READ-ONLY" : "READ-WRITE") + "] selected\r\n";
            switch (behaviour) {
                case HUGE_EXISTS -> {
                    misbehaved = true;
                    answer = answer.replace("* " + MESSAGES + " EXISTS", "* 1000000000 EXISTS")
                            .replace("[UIDNEXT " + (MESSAGES + 1) + "]", "[UIDNEXT 99999999999]");
                }
                case SLOW_TRICKLE -> {
                    misbehaved = true;
                    trickle("* OK still thinking\r\n");
                    return false;
                }
                default -> { }
            }
            send(answer);
            return true;
        }

        private boolean fetch(String tag, String command) throws IOException {
            afterLogin = false;
            List<Long> uids = uids(command);
            Matcher section = SECTION.matcher(command);
            if (section.find()) {
                for (long uid : uids) {
                    byte[] body = message(uid).getBytes(StandardCharsets.US_ASCII);
                    String sec = section.group(1);
                    send("* " + uid + " FETCH (UID " + uid + " FLAGS () INTERNALDATE \"01-Mar-2026 10:00:00 +0000\""
                            + " BODY" + sec + " {" + body.length + "}\r\n");
                    out.write(body);
                    send(")\r\n");
                }
                send(tag + " OK fetched\r\n");
                return true;
            }
            switch (behaviour) {
                case HUGE_LITERAL -> {
                    misbehaved = true;
                    send("* 1 FETCH (UID 1 FLAGS () BODY[HEADER] {2000000000}\r\n");
                    out.write(new byte[65536]);
                    out.flush();
                    waitForClose();
                    return false;
                }
                case ENDLESS_LINE -> {
                    misbehaved = true;
                    send("* 1 FETCH (UID 1 FLAGS (");
                    byte[] chunk = "aaaaaaaaaaaaaaa ".repeat(4096).getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                        out.flush();
                    }
                }
                case CUT_MID_RESPONSE -> {
                    misbehaved = true;
                    send(row(1, "") + "* 2 FETCH (UID 2 FLAGS (\\Seen) INTERNALDATE \"01-Ma");
                    socket.close();
                    return false;
                }
                case BYE_MID_COMMAND -> {
                    misbehaved = true;
                    send(row(1, "") + "* BYE server shutting down, try later\r\n");
                    socket.close();
                    return false;
                }
                case UIDVALIDITY_CHANGE -> {
                    misbehaved = true;
                    StringBuilder sb = new StringBuilder(row(1, ""));
                    sb.append("* OK [UIDVALIDITY ").append(uidValidity + 1000).append("] mailbox recreated\r\n");
                    for (long uid : uids) {
                        if (uid != 1) {
                            sb.append(row(uid, ""));
                        }
                    }
                    send(sb + tag + " OK fetched\r\n");
                    return true;
                }
                case MANY_KEYWORDS -> {
                    misbehaved = true;
                    StringBuilder keywords = new StringBuilder();
                    for (int i = 1; i <= 100_000; i++) {
                        keywords.append(i == 1 ? "" : " ").append('k').append(i);
                    }
                    StringBuilder sb = new StringBuilder(row(1, keywords.toString()));
                    for (long uid : uids) {
                        if (uid != 1) {
                            sb.append(row(uid, ""));
                        }
                    }
                    send(sb + tag + " OK fetched\r\n");
                    return true;
                }
                default -> { }
            }
            StringBuilder sb = new StringBuilder();
            for (long uid : uids) {
                sb.append(row(uid, ""));
            }
            send(sb + tag + " OK fetched\r\n");
            return true;
        }

        private void search(String tag) throws IOException {
            afterLogin = false;
            StringBuilder sb = new StringBuilder("* SEARCH");
            int found = behaviour == Behaviour.HUGE_SEARCH ? 100_000 : MESSAGES;
            if (behaviour == Behaviour.HUGE_SEARCH) {
                misbehaved = true;
            }
            for (int uid = 1; uid <= found; uid++) {
                sb.append(' ').append(uid);
            }
            send(sb + "\r\n" + tag + " OK searched\r\n");
        }

        private String row(long uid, String flags) {
            return "* " + uid + " FETCH (UID " + uid + " FLAGS (" + flags + ") INTERNALDATE \"01-Mar-2026 10:00:00"
                    + " +0000\" RFC822.SIZE " + message(uid).length() + ")\r\n";
        }

        private String message(long uid) {
            return "From: hostile@example.org\r\nSubject: hostile " + uid + "\r\nMessage-ID: <" + uid
                    + "@hostile.test>\r\n\r\nbody " + uid + "\r\n";
        }

        /** The UIDs of the command's set that exist (1 to {@link #MESSAGES}); {@code *} is the last. */
        private List<Long> uids(String command) {
            List<Long> out = new ArrayList<>();
            Matcher m = SET.matcher(command);
            if (!m.find()) {
                return out;
            }
            for (String part : m.group(1).split(",")) {
                String[] ends = part.split(":");
                long a = end(ends[0]);
                long b = ends.length > 1 ? end(ends[1]) : a;
                for (long uid = Math.max(1, Math.min(a, b)); uid <= Math.min(MESSAGES, Math.max(a, b)); uid++) {
                    if (!out.contains(uid)) {
                        out.add(uid);
                    }
                }
            }
            return out;
        }

        private long end(String s) {
            return s.equals("*") ? MESSAGES : Long.parseLong(s);
        }

        /** One byte every half second, the text over and over, until the client goes away. */
        private void trickle(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; !socket.isClosed(); i = (i + 1) % bytes.length) {
                out.write(bytes[i]);
                out.flush();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Reads (and drops) what the client sends until it closes the connection. */
        private void waitForClose() throws IOException {
            in.transferTo(OutputStream.nullOutputStream());
        }

        private void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** A command line without its CRLF; literals the client sends are not expected. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8).stripTrailing();
                }
                line.write(b);
            }
            return null;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
