package org.mailtidy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of the test Dovecot, to misbehave as a server can without
 * disturbing the shared instance: {@link #cut()} drops every connection and refuses new ones (the
 * server is down), {@link #stall(boolean)} stops forwarding (a hung server), and
 * {@link #delayReplies(long)} slows each reply down (a slow server), and {@link #silenceExisting()}
 * makes the open connections swallow everything without closing (a NAT or firewall that forgot them).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final java.util.Set<Socket> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile boolean stalled;
    private volatile long replyDelayMillis;
    private volatile int accepted;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far (refused ones included). */
    public int accepted() {
        return accepted;
    }

    public void cut() {
        down = true;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    public void restore() {
        down = false;
    }

    public synchronized void stall(boolean on) {
        stalled = on;
        notifyAll();
    }

    /** From now on the open connections forward nothing in either direction and stay open; new ones work. */
    public void silenceExisting() {
        silenced.addAll(sockets);
    }

    public void delayReplies(long millis) {
        replyDelayMillis = millis;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted++;
                if (down) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                // listener closed, or the target refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    waitWhileStalled();
                    if (silenced.contains(from)) {
                        continue;
                    }
                    if (replies && replyDelayMillis > 0) {
                        Thread.sleep(replyDelayMillis);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void waitWhileStalled() throws InterruptedException {
        while (stalled) {
            wait();
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        stall(false);
        cut();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
