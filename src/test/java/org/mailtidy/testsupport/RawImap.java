package org.mailtidy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal IMAP client for test fixtures (loading and inspecting a server's mailboxes as another
 * client would), independent of the code under test. Lines end at LF (a CR before it is dropped), so
 * it also reads servers that end a line with a bare LF. Literals in responses are read by count
 * and kept inline in the returned line, so a response is one string.
 */
final class RawImap implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");
    private static final Pattern FETCH_UID = Pattern.compile("[( ]UID (\\d+)");
    private static final Pattern FETCH_FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?i)Message-ID:\\s*(\\S+)");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    private RawImap(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in with the LOGIN command. */
    static RawImap login(String host, int port, String user, String password) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout(120_000);
            RawImap c = new RawImap(s);
            c.readLine(); // greeting
            c.command("LOGIN " + quote(user) + " " + quote(password));
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot log in as " + user + " on " + host + ":" + port + ": " + e, e);
        }
    }

    /** Sends a command; returns its untagged responses. Fails unless the tagged reply is OK. */
    List<String> command(String command) {
        try {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readUntilTagged(t, command);
        } catch (IOException e) {
            throw new IllegalStateException(command + ": " + e, e);
        }
    }

    /** APPEND with a synchronizing literal; flags and date as IMAP text ({@code (\Seen)}, a date-time). */
    void append(String mailbox, String flags, String dateTime, byte[] message) {
        try {
            String t = "t" + (++tag);
            out.write((t + " APPEND " + mailbox + " " + flags + " " + quote(dateTime) + " {" + message.length + "}\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = readLine();
            if (!line.startsWith("+")) {
                throw new IllegalStateException("APPEND " + mailbox + ": " + line);
            }
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readUntilTagged(t, "APPEND " + mailbox);
        } catch (IOException e) {
            throw new IllegalStateException("APPEND " + mailbox + ": " + e, e);
        }
    }

    /** Every message of a mailbox (EXAMINE): UID, flags without {@code \Recent}, Message-ID. */
    List<StoredMessage> fetchAll(String mailbox) {
        command("EXAMINE " + mailbox);
        List<StoredMessage> messages = new ArrayList<>();
        for (String r : command("UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")) {
            Matcher uid = FETCH_UID.matcher(r);
            Matcher flags = FETCH_FLAGS.matcher(r);
            if (!r.startsWith("* ") || !uid.find() || !flags.find()) {
                continue;
            }
            java.util.Set<String> set = new java.util.HashSet<>(List.of(flags.group(1).trim().split(" +")));
            set.remove("");
            set.remove("\\Recent");
            Matcher id = MESSAGE_ID.matcher(r);
            messages.add(new StoredMessage(Long.parseLong(uid.group(1)), set, id.find() ? id.group(1) : ""));
        }
        command("CLOSE");
        return messages;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private List<String> readUntilTagged(String t, String command) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IllegalStateException(command + ": " + line);
                }
                return untagged;
            }
            untagged.add(line);
        }
    }

    /** One response, literals inline. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String part = readRawLine();
            sb.append(part);
            Matcher m = LITERAL.matcher(part);
            if (!m.find()) {
                return sb.toString();
            }
            byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
            sb.append("\r\n").append(new String(literal, StandardCharsets.UTF_8));
        }
    }

    private String readRawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1) {
            throw new IOException("connection closed by the server");
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            command("LOGOUT");
        } catch (RuntimeException e) {
            // the server may close first
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
