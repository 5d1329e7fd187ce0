package org.mailtidy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on the loopback that makes it a long-distance network: every chunk of bytes is passed on
 * {@code rtt / 2} after it arrived, in each direction, order kept (the bandwidth is the loopback's).
 * It also counts round trips, as the client experiences them.
 *
 * <p><b>A round trip</b> is one wait of the client for the server: on the client's side of the proxy,
 * the events are "the client sent bytes" and "the proxy delivered server bytes to the client"; a
 * maximal run of deliveries with no client send between them is one round trip. The greeting is the
 * first (on a real network it comes after the TCP handshake); a command the client sends and then
 * waits for is one; commands sent together (pipelined) whose answers all arrive before the client
 * sends again are one; what the server sends after the client closed its side (the answer to a LOGOUT
 * written just before closing) is no round trip. Counted with a delay large enough that the client's writes of one flight are
 * done before the first answer comes back (a few milliseconds suffice), the count does not depend on
 * timing. Each round trip keeps the command lines the client sent before it (its "flight").
 *
 * <p>Also runnable on its own for the benchmark:
 * {@code java DelayProxy.java LISTEN_PORT TARGET_HOST TARGET_PORT RTT_MS [REPORT_FILE]} appends one
 * line per closed connection, {@code round_trips=N}, to the report file (or standard output); with
 * {@code -Ddelayproxy.flights=true} the connection's flights follow that line ({@link Connection#toString}),
 * each indented (for {@code bench/run.sh flights}).
 */
public final class DelayProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final long halfRttNanos;
    private final ServerSocket listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final PrintStream report;

    private DelayProxy(int listenPort, String targetHost, int targetPort, long rttMillis, PrintStream report)
            throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.halfRttNanos = TimeUnit.MILLISECONDS.toNanos(rttMillis) / 2;
        this.report = report;
        this.listener = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "delay-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy on a free loopback port to {@code host:port}, each direction delayed by {@code rttMillis / 2}. */
    public static DelayProxy to(String host, int port, long rttMillis) {
        try {
            return new DelayProxy(0, host, port, rttMillis, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The connections so far, in the order they were accepted. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Round trips over all connections so far. */
    public int roundTrips() {
        return connections.stream().mapToInt(Connection::roundTrips).sum();
    }

    /** Forgets the connections counted so far (those still open keep counting in their own object). */
    public void reset() {
        connections.clear();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(DelayProxy::closeQuietly);
    }

    /** One proxied connection: its round trips and, per round trip, the command lines sent before it. */
    public static final class Connection {
        private final List<List<String>> flights = new ArrayList<>();
        private final List<Long> flightOctets = new ArrayList<>();
        /** Per round trip, when its first answer was delivered to the client (nanoTime). */
        private final List<Long> flightAnswered = new ArrayList<>();
        private final long openedNanos = System.nanoTime();
        private long lastSentNanos = openedNanos;
        private List<String> pending = new ArrayList<>();
        private long pendingOctets;
        private boolean lastWasDelivery;
        private final StringBuilder partialLine = new StringBuilder();
        private boolean closed;
        private boolean clientClosed;

        synchronized void clientSent(byte[] bytes, int n) {
            lastWasDelivery = false;
            lastSentNanos = System.nanoTime();
            pendingOctets += n;
            for (int i = 0; i < n; i++) {
                char c = (char) (bytes[i] & 0xff);
                if (c == '\n') {
                    String line = partialLine.toString().strip();
                    pending.add(line.length() > 120 ? line.substring(0, 120) + "..." : line);
                    partialLine.setLength(0);
                } else if (partialLine.length() < 200) {
                    partialLine.append(c);
                }
            }
        }

        /**
         * The client closed its side: what the server still sends is not waited for (a LOGOUT written
         * and the connection closed at once), so it is no round trip.
         */
        synchronized void clientClosed() {
            clientClosed = true;
        }

        /** Command lines sent after the last delivery and never answered to the client (LOGOUT and close). */
        public synchronized List<String> unanswered() {
            return List.copyOf(pending);
        }

        synchronized void delivered() {
            if (clientClosed) {
                return;
            }
            if (!lastWasDelivery) {
                flights.add(pending);
                flightOctets.add(pendingOctets);
                flightAnswered.add(System.nanoTime());
                pending = new ArrayList<>();
                pendingOctets = 0;
                lastWasDelivery = true;
                notifyAll();
            }
        }

        /**
         * Waits until the server answered something after the client's last command (a command written
         * and not waited for, such as an UNSELECT at the end of a run, has its answer delivered), so
         * that the next command starts a round trip of its own.
         */
        public synchronized boolean awaitAnswered(long timeoutMillis) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (!pending.isEmpty()) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        synchronized void closed() {
            closed = true;
            notifyAll();
        }

        public synchronized int roundTrips() {
            return flights.size();
        }

        /** Per round trip, the octets the client sent before waiting (the greeting's is 0). */
        public synchronized List<Long> flightOctets() {
            return List.copyOf(flightOctets);
        }

        /** Per round trip, the command lines the client sent before waiting (the greeting's is empty). */
        public synchronized List<List<String>> flights() {
            return flights.stream().map(List::copyOf).toList();
        }

        /** Waits until both sides closed (the client logged out and the proxy passed everything on). */
        public synchronized boolean awaitClosed(long timeoutMillis) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (!closed) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        /**
         * Per round trip one line: when its first answer reached the client (from the connection's
         * start), the octets the client sent before it, and its command lines by command (tag and
         * arguments left out), e.g. {@code 5: +1234 ms, 131,040 octets, 17 lines: UID STORE 17}.
         */
        public synchronized String summary() {
            StringBuilder s = new StringBuilder(flights.size() + " round trips");
            for (int i = 0; i < flights.size(); i++) {
                s.append("\n  ").append(i + 1).append(": +")
                        .append(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(flightAnswered.get(i) - openedNanos))
                        .append(" ms, ").append(String.format("%,d", flightOctets.get(i)))
                        .append(" octets, ").append(flights.get(i).size()).append(" lines:");
                java.util.Map<String, Integer> byCommand = new java.util.LinkedHashMap<>();
                for (String line : flights.get(i)) {
                    byCommand.merge(commandName(line), 1, Integer::sum);
                }
                byCommand.forEach((name, count) -> s.append(' ').append(name).append(' ').append(count).append(','));
                if (!byCommand.isEmpty()) {
                    s.setLength(s.length() - 1);
                }
            }
            if (!pending.isEmpty()) {
                s.append("\n  not waited for: ").append(pending);
            }
            s.append("\n  the client's last send: +")
                    .append(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(lastSentNanos - openedNanos)).append(" ms");
            return s.toString();
        }

        /** {@code A12 UID STORE 1:5 ...} -> {@code UID STORE}; a literal's or SASL line's text -> {@code (data)}. */
        private static String commandName(String line) {
            String[] words = line.split(" ");
            if (words.length < 2 || !words[0].matches("[A-Za-z]*[0-9]+")) {
                return "(data)";
            }
            String name = words[1].toUpperCase(java.util.Locale.ROOT);
            return name.equals("UID") && words.length > 2 ? "UID " + words[2].toUpperCase(java.util.Locale.ROOT) : name;
        }

        @Override
        public synchronized String toString() {
            StringBuilder s = new StringBuilder(flights.size() + " round trips");
            for (int i = 0; i < flights.size(); i++) {
                s.append("\n  ").append(i + 1).append(": ").append(flights.get(i));
            }
            if (!pending.isEmpty()) {
                s.append("\n  not waited for: ").append(pending);
            }
            return s.toString();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                Connection counted = new Connection();
                connections.add(counted);
                int[] open = {2};
                Runnable oneSideDone = () -> {
                    synchronized (open) {
                        if (--open[0] == 0) {
                            closeQuietly(client);
                            closeQuietly(server);
                            counted.closed();
                            if (report != null) {
                                report.println("round_trips=" + counted.roundTrips());
                                if (Boolean.getBoolean("delayproxy.flights")) {
                                    report.println(counted.summary().lines().skip(1)
                                            .collect(java.util.stream.Collectors.joining("\n")));
                                }
                                report.flush();
                            }
                        }
                    }
                };
                pump(client, server, counted, true, oneSideDone);
                pump(server, client, counted, false, oneSideDone);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    continue;
                }
                return;
            }
        }
    }

    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, null);
    }

    /** A reader that stamps each chunk with its due time, and a writer that passes it on then. */
    private void pump(Socket from, Socket to, Connection counted, boolean fromClient, Runnable done) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        String name = fromClient ? "delay-proxy-c2s" : "delay-proxy-s2c";
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (fromClient) {
                        counted.clientSent(buf, n);
                    }
                    queue.add(new Chunk(System.nanoTime() + halfRttNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException ignored) {
                // the other side closed; the writer ends
            }
            if (fromClient) {
                counted.clientClosed();
            }
            queue.add(Chunk.END);
        }, name + "-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes == null) {
                        break;
                    }
                    long wait = c.dueNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!fromClient) {
                        // Before the write: once written, the client may answer before this thread
                        // runs again, and its next command would count as sent before the delivery.
                        counted.delivered();
                    }
                    out.write(c.bytes);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException ignored) {
                // the other side is gone
            } finally {
                done.run();
            }
        }, name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** {@code LISTEN_PORT TARGET_HOST TARGET_PORT RTT_MS [REPORT_FILE]}; runs until killed. */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: DelayProxy LISTEN_PORT TARGET_HOST TARGET_PORT RTT_MS [REPORT_FILE]");
            System.exit(2);
        }
        PrintStream report = args.length > 4
                ? new PrintStream(new java.io.FileOutputStream(args[4], true), true, StandardCharsets.UTF_8)
                : System.out;
        new DelayProxy(Integer.parseInt(args[0]), args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]),
                report);
        Thread.currentThread().join();
    }
}
