package org.mailtidy.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /} (the status page, HTML), {@code /metrics} (Prometheus text), {@code /healthz} (200 or
 * 503 with the reason) and {@code /status} (JSON). Read-only: only GET and HEAD are answered, one request per connection.
 *
 * <p>A small server of our own rather than the JDK's {@code HttpServer}: that one reads each
 * request on a worker thread without a deadline (unless a JVM-wide system property is set before
 * its first use), so two clients that send half a request hold both workers for good. Here one
 * selector thread reads every request head without blocking, each connection has
 * {@link #REQUEST_TIMEOUT} from accept to the last byte of the answer, at most
 * {@link #MAX_CONNECTIONS} are open (a new one closes the oldest), and only complete requests
 * reach the workers that compute the answers. Idle or slow clients therefore cost a socket, never
 * a thread, and never keep {@code /healthz} from answering.
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
    /** From accept to the end of the answer; a monitoring client needs milliseconds. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_HEAD_BYTES = 8192;
    private static final int WORKERS = 2;

    /** The answer of {@code /healthz}. */
    public record Health(boolean ok, String reason) {
        public static Health healthy() {
            return new Health(true, "ok");
        }

        public static Health unhealthy(String reason) {
            return new Health(false, reason);
        }
    }

    /** What the endpoints show; each call is a fresh snapshot. */
    public interface Source {
        String metrics();

        Health health();

        String statusJson();

        /** The status page for a person, HTML. */
        String statusHtml();
    }

    private final HttpAnswers answers;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final Queue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final List<Connection> open = new ArrayList<>();
    private final Thread loop;
    private volatile boolean closed;

    private HttpEndpoints(Source source, ServerSocketChannel listener, Selector selector, int port) {
        this.answers = new HttpAnswers(source);
        this.listener = listener;
        this.selector = selector;
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_CONNECTIONS), r -> {
                    Thread t = new Thread(r, "http-" + port + "-worker");
                    t.setDaemon(true);
                    return t;
                });
        this.loop = new Thread(this::run, "http-" + port);
        loop.setDaemon(true);
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving. */
    public static HttpEndpoints start(String host, int port, Source source) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = Selector.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(host, port), 16);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        int bound = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        HttpEndpoints endpoints = new HttpEndpoints(source, listener, selector, bound);
        endpoints.loop.start();
        LOG.info("serving the status page, /metrics, /healthz and /status on http://{}:{}/", host, bound);
        return endpoints;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the listener is closed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    /** One client connection: the request head read so far, then the answer being written. */
    private static final class Connection {
        final SocketChannel channel;
        final long deadline;
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD_BYTES);
        ByteBuffer answer;
        SelectionKey key;

        Connection(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(250);
                Runnable task;
                while ((task = selectorTasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                        } else if (key.isReadable()) {
                            read((Connection) key.attachment());
                        } else if (key.isWritable()) {
                            write((Connection) key.attachment());
                        }
                    } catch (IOException e) {
                        if (key.attachment() instanceof Connection c) {
                            drop(c);
                        }
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                for (Connection c : List.copyOf(open)) {
                    if (now - c.deadline > 0) {
                        drop(c);
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.error("the HTTP endpoints stopped: {}", e.toString());
            }
        } finally {
            List.copyOf(open).forEach(this::drop);
            closeQuietly(listener);
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            if (open.size() >= MAX_CONNECTIONS) {
                // the oldest is the likeliest to be a client that will never finish
                open.stream().min(Comparator.comparingLong(c -> c.deadline)).ifPresent(this::drop);
            }
            channel.configureBlocking(false);
            Connection c = new Connection(channel, System.nanoTime() + REQUEST_TIMEOUT.toNanos());
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            open.add(c);
        }
    }

    private void read(Connection c) throws IOException {
        if (c.channel.read(c.head) < 0) {
            drop(c);
            return;
        }
        String head = new String(c.head.array(), 0, c.head.position(), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            end = head.indexOf("\n\n");
        }
        if (end < 0) {
            if (!c.head.hasRemaining()) {
                send(c, HttpAnswers.plain("GET", 431, "request header too large\n"));
            }
            return;
        }
        c.key.interestOps(0);
        String requestLine = head.substring(0, head.indexOf('\n')).strip();
        try {
            workers.execute(() -> {
                byte[] answer = answers.answer(requestLine);
                selectorTasks.add(() -> send(c, answer));
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            send(c, HttpAnswers.plain("GET", 503, "busy\n"));
        }
    }

    private void send(Connection c, byte[] answer) {
        if (!c.channel.isOpen()) {
            return;
        }
        c.answer = ByteBuffer.wrap(answer);
        try {
            write(c);
        } catch (IOException e) {
            drop(c);
        }
    }

    private void write(Connection c) throws IOException {
        c.channel.write(c.answer);
        if (c.answer.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE);
        } else {
            drop(c);
        }
    }

    private void drop(Connection c) {
        open.remove(c);
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", c, e.toString());
        }
    }
}
