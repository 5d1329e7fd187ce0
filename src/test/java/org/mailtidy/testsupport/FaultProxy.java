package org.mailtidy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy for plain IMAP that injects faults: it reads the client's command lines, and when a
 * line matches an armed {@link Fault} it drops the connection, stalls, answers NO/BAD/BYE itself,
 * withholds the server's tagged answer, or slips extra text into the server's response. A fault
 * fires once, on the n-th matching command counted over all connections, then the proxy forwards
 * faithfully again. Command lines seen are recorded (first 200 characters) for assertions.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Pattern TAGGED = Pattern.compile("^(\\S+) (.*)$", Pattern.DOTALL);

    /** What to do with a matching command. */
    public enum Action {
        /** Close both sides instead of forwarding the command. */
        DROP_BEFORE,
        /** Forward the command; close both sides instead of passing on its tagged response. */
        DROP_AFTER,
        /** Forward the command and the first response line only, then close. */
        DROP_MID_RESPONSE,
        /** Swallow the command and everything after it: the client waits for its read timeout. */
        STALL,
        /** Answer {@code tag NO} without forwarding. */
        NO,
        /** Answer {@code tag BAD} without forwarding. */
        BAD,
        /** Answer {@code * BYE} and close. */
        BYE,
        /** Forward; put {@link Fault#text} in front of the server's first response line. */
        INJECT,
        /** Forward unchanged; only run the hook. */
        PASS
    }

    /**
     * @param command    matched with {@code find()} against the command line after the tag
     * @param occurrence 1 for the first matching command, 2 for the second, ...
     * @param hook       run before the command is forwarded (e.g. another client changing flags)
     * @param text       for {@link Action#INJECT}: raw text, CRLF included
     */
    public record Fault(Pattern command, int occurrence, Action action, Runnable hook, String text) {
        public static Fault of(String regex, int occurrence, Action action) {
            return new Fault(Pattern.compile(regex), occurrence, action, () -> { }, "");
        }

        public static Fault hook(String regex, Runnable hook) {
            return new Fault(Pattern.compile(regex), 1, Action.PASS, hook, "");
        }

        public static Fault inject(String regex, String text) {
            return new Fault(Pattern.compile(regex), 1, Action.INJECT, () -> { }, text);
        }
    }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Fault armed;
    private volatile boolean fired;
    private final AtomicInteger matches = new AtomicInteger();
    private volatile boolean stripStartTls;

    private FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "fault-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public static FaultProxy to(String host, int port) {
        try {
            return new FaultProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Arms one fault, replacing any earlier one. */
    public void arm(Fault fault) {
        matches.set(0);
        fired = false;
        armed = fault;
    }

    public void disarm() {
        armed = null;
    }

    /** True once the armed fault has fired. */
    public boolean fired() {
        return fired;
    }

    /** Removes STARTTLS from every capability list the server sends (a downgrade attack). */
    public void stripStartTls() {
        stripStartTls = true;
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
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(FaultProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                sockets.add(client);
                sockets.add(server);
                connections.incrementAndGet();
                new Session(client, server).start();
            } catch (IOException e) {
                // listener closed, or the target refused: the client sees a closed connection
            }
        }
    }

    /** One proxied connection: a thread per direction. */
    private final class Session {
        private final Socket client;
        private final Socket server;
        private final Object clientOut = new Object();
        /** A response-side fault waiting for the server's answer to the command with this tag. */
        private volatile String pendingTag;
        private volatile Fault pending;

        Session(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, "fault-proxy-up");
            Thread down = new Thread(this::serverToClient, "fault-proxy-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void clientToServer() {
            try (InputStream in = new java.io.BufferedInputStream(client.getInputStream());
                 OutputStream out = server.getOutputStream()) {
                for (byte[] line; (line = readLine(in)) != null; ) {
                    String text = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
                    commands.add(text.length() > 200 ? text.substring(0, 200) : text);
                    Fault fault = trigger(text);
                    if (fault == null) {
                        out.write(line);
                        out.flush();
                        continue;
                    }
                    String tag = tagOf(text);
                    fault.hook().run();
                    switch (fault.action()) {
                        case DROP_BEFORE -> {
                            closeBoth();
                            return;
                        }
                        case STALL -> {
                            in.transferTo(OutputStream.nullOutputStream());
                            return;
                        }
                        case NO -> answer(tag + " NO [UNAVAILABLE] injected fault\r\n");
                        case BAD -> answer(tag + " BAD injected fault\r\n");
                        case BYE -> {
                            answer("* BYE injected fault\r\n");
                            closeBoth();
                            return;
                        }
                        default -> {
                            pending = fault;
                            pendingTag = tag;
                            out.write(line);
                            out.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeBoth();
            }
        }

        private void serverToClient() {
            try (InputStream in = new java.io.BufferedInputStream(server.getInputStream())) {
                OutputStream out = client.getOutputStream();
                boolean injected = false;
                for (byte[] line; (line = readLine(in)) != null; ) {
                    Fault fault = pending;
                    String text = new String(line, StandardCharsets.ISO_8859_1);
                    if (fault != null) {
                        boolean tagged = text.startsWith(pendingTag + " ");
                        switch (fault.action()) {
                            case DROP_AFTER -> {
                                if (tagged) {
                                    closeBoth();
                                    return;
                                }
                            }
                            case DROP_MID_RESPONSE -> {
                                write(out, line);
                                closeBoth();
                                return;
                            }
                            case INJECT -> {
                                if (!injected) {
                                    write(out, fault.text().getBytes(StandardCharsets.ISO_8859_1));
                                    injected = true;
                                }
                            }
                            default -> { }
                        }
                        if (tagged) {
                            pending = null;
                        }
                    }
                    if (stripStartTls && text.toUpperCase(java.util.Locale.ROOT).contains("CAPABILITY")) {
                        line = text.replaceAll("(?i) STARTTLS", "").getBytes(StandardCharsets.ISO_8859_1);
                    }
                    write(out, line);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeBoth();
            }
        }

        private void answer(String text) throws IOException {
            write(client.getOutputStream(), text.getBytes(StandardCharsets.ISO_8859_1));
        }

        private void write(OutputStream out, byte[] bytes) throws IOException {
            synchronized (clientOut) {
                out.write(bytes);
                out.flush();
            }
        }

        private void closeBoth() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private synchronized Fault trigger(String line) {
        Fault fault = armed;
        if (fault == null || fired) {
            return null;
        }
        Matcher m = TAGGED.matcher(line);
        if (!m.matches() || !fault.command().matcher(m.group(2)).find()) {
            return null;
        }
        if (matches.incrementAndGet() != fault.occurrence()) {
            return null;
        }
        fired = true;
        return fault;
    }

    private static String tagOf(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    /** One line including its CRLF; literals are forwarded as the lines they contain. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** For messages: the commands, one per line. */
    public String transcript() {
        return String.join("\n", new ArrayList<>(commands));
    }
}
