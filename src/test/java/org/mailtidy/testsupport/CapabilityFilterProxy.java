package org.mailtidy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of an IMAP server that hides some capabilities: every
 * {@code CAPABILITY} list the server sends (greeting, response code, CAPABILITY response) loses
 * the named ones, so tests can see how mailtidy behaves on a server without, say, UIDPLUS or MOVE.
 * Plain connections only.
 */
public final class CapabilityFilterProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final Set<String> hidden;
    private final java.util.function.UnaryOperator<String> rewrite;
    private final java.util.function.UnaryOperator<String> clientRewrite;

    public CapabilityFilterProxy(String targetHost, int targetPort, Set<String> hidden) throws IOException {
        this(targetHost, targetPort, hidden, java.util.function.UnaryOperator.identity());
    }

    /** Also applies {@code rewrite} to every line the server sends (after hiding capabilities). */
    public CapabilityFilterProxy(String targetHost, int targetPort, Set<String> hidden,
                                 java.util.function.UnaryOperator<String> rewrite) throws IOException {
        this(targetHost, targetPort, hidden, rewrite, java.util.function.UnaryOperator.identity());
    }

    /** Also applies {@code clientRewrite} to every line the client sends. */
    public CapabilityFilterProxy(String targetHost, int targetPort, Set<String> hidden,
                                 java.util.function.UnaryOperator<String> rewrite,
                                 java.util.function.UnaryOperator<String> clientRewrite) throws IOException {
        this.clientRewrite = clientRewrite;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.hidden = Set.copyOf(hidden);
        this.rewrite = rewrite;
        Thread t = new Thread(this::acceptLoop, "capability-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                // Lines are forwarded one write each: without this, Nagle's algorithm and delayed ACKs
                // hold back every second line by about 40 ms.
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pump(client.getInputStream(), server.getOutputStream(), false, client, server);
                pump(server.getInputStream(), client.getOutputStream(), true, client, server);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean filter, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            try (a; b) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != -1) {
                    line.write(c);
                    if (c == '\n') {
                        byte[] bytes = line.toByteArray();
                        out.write(filter ? filterLine(bytes) : clientLine(bytes));
                        out.flush();
                        line.reset();
                    }
                }
            } catch (IOException ignored) {
                // one side closed: the other is closed by try-with-resources
            }
        }, "capability-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private byte[] clientLine(byte[] bytes) {
        return clientRewrite.apply(new String(bytes, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] filterLine(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        if (s.toUpperCase(java.util.Locale.ROOT).contains("CAPABILITY")) {
            for (String cap : hidden) {
                s = s.replaceAll("(?i) " + Pattern.quote(cap) + "(?=[ \\]\\r])", "");
            }
        }
        return rewrite.apply(s).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
