package org.mailtidy.schedule;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.spi.ThreadPool;

/**
 * A Quartz thread pool that starts a thread whenever a trigger fires and lets idle threads end.
 * Concurrency is bounded anyway: each job runs at most once at a time
 * ({@code @DisallowConcurrentExecution}), so there are never more runs than jobs. A fixed pool
 * could instead be filled by one slow account's waiting jobs and delay every other account.
 */
public final class ElasticThreadPool implements ThreadPool {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final AtomicInteger threads = new AtomicInteger();
    private ThreadPoolExecutor executor;
    private String name = "quartz";

    @Override
    public void initialize() {
        int pool = POOLS.incrementAndGet();
        executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "run-" + pool + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public boolean runInThread(Runnable runnable) {
        try {
            executor.execute(runnable);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public int blockForAvailableThreads() {
        return executor.isShutdown() ? 0 : Integer.MAX_VALUE;
    }

    @Override
    public void shutdown(boolean waitForJobsToComplete) {
        executor.shutdown();
        if (waitForJobsToComplete) {
            try {
                executor.awaitTermination(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int getPoolSize() {
        return Math.max(1, executor.getPoolSize());
    }

    @Override
    public void setInstanceId(String instanceId) {
        // one pool per scheduler instance; nothing to do
    }

    @Override
    public void setInstanceName(String instanceName) {
        this.name = instanceName;
    }

    @Override
    public String toString() {
        return "ElasticThreadPool " + name;
    }
}
