package org.mailtidy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that passes bytes through unchanged (TLS included) and counts the connections open at
 * once: how a test sees the connection bound the way the server would.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String host;
    private final int port;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();

    private CountingProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "counting-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public static CountingProxy to(String host, int port) {
        try {
            return new CountingProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** The most connections that were open at once. */
    public int peak() {
        return peak.get();
    }

    /** Connections accepted in all. */
    public int total() {
        return total.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(host, port);
                total.incrementAndGet();
                peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                AtomicInteger ends = new AtomicInteger();
                Runnable closed = () -> {
                    if (ends.incrementAndGet() == 1) {
                        open.decrementAndGet();
                    }
                    closeQuietly(client);
                    closeQuietly(server);
                };
                pump(client, server, closed);
                pump(server, client, closed);
            } catch (IOException e) {
                // closed, or the server refused: the client sees its socket close
            }
        }
    }

    private static void pump(Socket from, Socket to, Runnable closed) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closed.run();
            }
        }, "counting-proxy");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
