package org.mailtidy.schedule;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run mailboxes: one queue ("lane") per account, and a bounded pool whose threads
 * take one lane at a time. An account has one IMAP connection, so its runs go one after another
 * anyway; a run waiting for its account no longer holds a thread, so the threads stay bounded by
 * the number of accounts (at most {@link #maxThreads}), not by the number of mailboxes or firings,
 * and one slow or stuck account holds one thread, never the others' turn.
 *
 * <p>Work is keyed: a key already waiting in its lane is not queued twice (a job that fires again
 * while its earlier firing still waits is covered by that one). After each task a lane goes to the
 * back of the pool's queue, so with more busy accounts than threads they take turns.
 */
public final class AccountLanes {
    private static final Logger LOG = LoggerFactory.getLogger(AccountLanes.class);
    /** Above this many accounts, accounts take turns; the threads stay well within systemd's TasksMax. */
    static final int DEFAULT_MAX_THREADS = 32;

    private final ThreadPoolExecutor pool;
    private final int maxThreads;
    private final Map<String, Lane> lanes = new HashMap<>();

    private static final class Lane {
        final Map<Object, Runnable> waiting = new LinkedHashMap<>();
        boolean scheduled;
    }

    public AccountLanes(String name, int maxThreads) {
        this.maxThreads = maxThreads;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** {@code -Dmailtidy.max_parallel_accounts}, else {@link #DEFAULT_MAX_THREADS}. */
    public static int maxThreadsFromSystemProperties() {
        String v = System.getProperty("mailtidy.max_parallel_accounts");
        return v == null ? DEFAULT_MAX_THREADS : Math.max(1, Integer.parseInt(v.strip()));
    }

    /** Threads for {@code accounts} accounts running at once, within the maximum. */
    public synchronized void sizeFor(int accounts) {
        int size = Math.max(1, Math.min(accounts, maxThreads));
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    int threads() {
        return pool.getMaximumPoolSize();
    }

    /**
     * Queues {@code task} in {@code account}'s lane unless {@code key} already waits there; returns
     * false if it was not queued (a duplicate, or the lanes are shut down).
     */
    public synchronized boolean submit(String account, Object key, Runnable task) {
        if (pool.isShutdown()) {
            return false;
        }
        Lane lane = lanes.computeIfAbsent(account, a -> new Lane());
        if (lane.waiting.putIfAbsent(key, task) != null) {
            return false;
        }
        if (!lane.scheduled) {
            lane.scheduled = true;
            pool.execute(() -> step(account, lane));
        }
        return true;
    }

    /** Runs the lane's oldest task, then puts the lane back at the end of the queue if more wait. */
    private void step(String account, Lane lane) {
        Runnable task;
        synchronized (this) {
            var first = lane.waiting.entrySet().iterator();
            if (!first.hasNext()) {
                lane.scheduled = false;
                return;
            }
            task = first.next().getValue();
            first.remove();
        }
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: a run failed unexpectedly: {}", account, e.toString(), e);
        } finally {
            synchronized (this) {
                if (lane.waiting.isEmpty() || pool.isShutdown()) {
                    lane.scheduled = false;
                    if (lane.waiting.isEmpty()) {
                        lanes.remove(account, lane);
                    }
                } else {
                    pool.execute(() -> step(account, lane));
                }
            }
        }
    }

    /** Tasks waiting (not running) in all lanes. */
    synchronized int waiting() {
        return lanes.values().stream().mapToInt(l -> l.waiting.size()).sum();
    }

    /** Drops the waiting tasks (returned so the caller can account for them) and stops taking new ones. */
    public synchronized java.util.List<Runnable> shutdown() {
        java.util.List<Runnable> dropped = new java.util.ArrayList<>();
        lanes.values().forEach(l -> {
            dropped.addAll(l.waiting.values());
            l.waiting.clear();
        });
        lanes.clear();
        pool.shutdown();
        return dropped;
    }

    @Override
    public String toString() {
        return "AccountLanes[" + threads() + " threads, " + new ArrayDeque<>(lanes.keySet()) + "]";
    }
}
