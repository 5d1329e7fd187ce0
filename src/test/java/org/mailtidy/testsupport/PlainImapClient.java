package org.mailtidy.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * A minimal IMAP client for test fixtures that must load or read a server through IMAP itself
 * (Cyrus keeps its own database beside the spool, so files cannot simply be written): LOGIN,
 * commands answered by untagged lines, MULTIAPPEND with LITERAL+. Not mailtidy's client, so a
 * fixture never depends on the code under test. Plain text on loopback only.
 */
public final class PlainImapClient implements AutoCloseable {
    private static final DateTimeFormatter INTERNALDATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern UID = Pattern.compile("\\bUID (\\d+)");
    private static final Pattern FLAGS = Pattern.compile("\\bFLAGS \\(([^)]*)\\)");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:[ \\t]*(\\S+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    private PlainImapClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in. */
    public static PlainImapClient login(String host, int port, String user, String password) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(300_000);
            PlainImapClient c = new PlainImapClient(s);
            String greeting = c.readResponse();
            if (!greeting.startsWith("* OK")) {
                s.close();
                throw new IllegalStateException("greeting: " + greeting);
            }
            c.command("LOGIN " + quote(user) + " " + quote(password));
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot log in to " + host + ":" + port + " as " + user + ": " + e, e);
        }
    }

    /** Sends one command; returns its untagged responses (literals inline); fails unless tagged OK. */
    public List<String> command(String command) {
        return send(command.getBytes(StandardCharsets.UTF_8));
    }

    /** The same, but a tagged NO is answered with null instead of failing. */
    public List<String> commandAllowingNo(String command) {
        try {
            return command(command);
        } catch (Refused e) {
            return null;
        }
    }

    /** CREATE; true when made, false when it existed. */
    public boolean create(String mailbox, String extra) {
        try {
            command("CREATE " + mailboxName(mailbox) + extra);
            return true;
        } catch (Refused e) {
            if (e.getMessage().toUpperCase(Locale.ROOT).contains("ALREADYEXISTS")
                    || e.getMessage().toLowerCase(Locale.ROOT).contains("already exists")) {
                return false;
            }
            throw e;
        }
    }

    /** APPENDs the messages in order, many per command (MULTIAPPEND, RFC 3502), flags and INTERNALDATE kept. */
    public void appendAll(String mailbox, List<TestMessage> messages, boolean multiappend) {
        int i = 0;
        while (i < messages.size()) {
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            write(cmd, "APPEND " + mailboxName(mailbox));
            int n = 0;
            while (i < messages.size() && (n == 0 || (multiappend && n < 500 && cmd.size() < 4_000_000))) {
                TestMessage m = messages.get(i++);
                byte[] bytes = m.toBytes();
                List<String> flags = m.flags().stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).sorted().toList();
                write(cmd, " (" + String.join(" ", flags) + ") \""
                        + INTERNALDATE.format(m.internalDate().atOffset(ZoneOffset.UTC)) + "\" {" + bytes.length + "+}\r\n");
                cmd.writeBytes(bytes);
                n++;
            }
            send(cmd.toByteArray());
        }
    }

    /** Every message of the mailbox (read-only EXAMINE): UID, flags without {@code \Recent}, Message-ID. */
    public List<StoredMessage> fetchAll(String mailbox) {
        List<String> examined = command("EXAMINE " + mailboxName(mailbox));
        boolean empty = examined.stream().anyMatch(l -> l.matches("(?i)\\* 0 EXISTS\\s*"));
        List<StoredMessage> messages = new ArrayList<>();
        if (empty) {
            return messages;
        }
        for (String r : command("UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")) {
            Matcher uid = UID.matcher(r);
            Matcher flags = FLAGS.matcher(r);
            if (!r.matches("(?s)\\* \\d+ FETCH .*") || !uid.find() || !flags.find()) {
                continue;
            }
            Set<String> set = new HashSet<>(List.of(flags.group(1).trim().split(" +")));
            set.remove("");
            set.removeIf(f -> f.equalsIgnoreCase("\\Recent"));
            Matcher id = MESSAGE_ID.matcher(r);
            messages.add(new StoredMessage(Long.parseLong(uid.group(1)), set, id.find() ? id.group(1) : ""));
        }
        return messages;
    }

    /** The name as an IMAP astring: modified UTF-7 (RFC 3501 section 5.1.3), quoted. */
    public static String mailboxName(String mailbox) {
        return quote(BASE64MailboxEncoder.encode(mailbox));
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            send("LOGOUT".getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** A tagged NO or BAD. */
    public static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }

    private List<String> send(byte[] command) {
        String t = "f" + (++tag);
        try {
            out.write((t + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(command);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> untagged = new ArrayList<>();
            while (true) {
                String r = readResponse();
                if (r.startsWith(t + " ")) {
                    if (!r.regionMatches(true, t.length() + 1, "OK", 0, 2)) {
                        throw new Refused(firstLine(command) + " -> " + r);
                    }
                    return untagged;
                }
                if (r.startsWith("+")) {
                    throw new IllegalStateException("unexpected continuation request: " + r);
                }
                untagged.add(r);
            }
        } catch (IOException e) {
            throw new IllegalStateException(firstLine(command) + ": " + e, e);
        }
    }

    /** One response, literals included (as UTF-8 text). */
    private String readResponse() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = readLine();
            sb.append(line);
            Matcher m = LITERAL.matcher(line);
            if (!m.find()) {
                return sb.toString();
            }
            byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
            sb.append("\r\n").append(new String(literal, StandardCharsets.UTF_8));
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        throw new IOException("connection closed by the server");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String firstLine(byte[] command) {
        String s = new String(command, 0, Math.min(command.length, 120), StandardCharsets.UTF_8);
        int nl = s.indexOf('\r');
        s = nl >= 0 ? s.substring(0, nl) : s;
        return s.startsWith("LOGIN ") ? "LOGIN" : s;
    }
}
