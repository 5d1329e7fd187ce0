package org.mailtidy.schedule;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.engine.RunResult;

/**
 * The {@link AccountConnection} of every configured account, and the bound on the connections kept
 * open between runs: at most {@code maxKept} (LRU: after a run, the connections of the accounts
 * that ran longest ago are logged out, busy ones never). With thousands of accounts a kept
 * connection per account would be thousands of idle sessions on the server; the recently run
 * accounts, which on a short schedule run again soonest, keep theirs.
 */
public final class ConnectionPool {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectionPool.class);
    /** {@link #maxKeptFromSystemProperties()} without the property: with the 32 run threads, at most 48 open at once. */
    static final int DEFAULT_MAX_KEPT = 16;

    private final Map<String, AccountConnection> byAccount = new ConcurrentHashMap<>();
    private final AccountRun.Connector connector;
    private final Backoff backoff;
    private final Clock clock;
    private final int maxKept;
    private final int maxPerServer;
    private final Map<String, java.util.concurrent.Semaphore> servers = new ConcurrentHashMap<>();
    /** Accounts with an open connection, least recently used first. */
    private final java.util.LinkedHashMap<String, AccountConnection> open = new java.util.LinkedHashMap<>(16, 0.75f, true);

    public ConnectionPool(AccountRun.Connector connector, Backoff backoff, Clock clock) {
        this(connector, backoff, clock, maxKeptFromSystemProperties(), intProperty("mailtidy.max_connections_per_server",
                DEFAULT_MAX_PER_SERVER));
    }

    ConnectionPool(AccountRun.Connector connector, Backoff backoff, Clock clock, int maxKept, int maxPerServer) {
        this.connector = connector;
        this.backoff = backoff;
        this.clock = clock;
        this.maxKept = Math.max(1, maxKept);
        this.maxPerServer = Math.max(1, maxPerServer);
    }

    /**
     * {@link #intProperty}{@code ("mailtidy.max_connections_per_server")} without the property: the
     * run threads' number, so a node alone never opens more to one server than it runs at once.
     */
    static final int DEFAULT_MAX_PER_SERVER = AccountLanes.DEFAULT_MAX_THREADS;

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name);
        return v == null ? fallback : Math.max(1, Integer.parseInt(v.strip()));
    }

    /**
     * The scheduled runs' connections to one server (push watchers have their own budget): when all
     * permits are held, idle kept connections to that server are logged out first, least recently
     * used first; then the connect waits, at most 60 s.
     */
    private final ServerPermits serverPermits = new ServerPermits() {
        @Override
        public boolean acquire(String server) throws InterruptedException {
            java.util.concurrent.Semaphore s = servers.computeIfAbsent(server,
                    k -> new java.util.concurrent.Semaphore(maxPerServer, true));
            if (s.tryAcquire()) {
                return true;
            }
            closeIdleOf(server);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (s.tryAcquire(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
                closeIdleOf(server);
            }
            return false;
        }

        @Override
        public void release(String server) {
            java.util.concurrent.Semaphore s = servers.get(server);
            if (s != null) {
                s.release();
            }
        }
    };

    /** Logs out the least recently used idle connection to {@code server}, if there is one. */
    private void closeIdleOf(String server) {
        List<AccountConnection> candidates;
        synchronized (open) {
            candidates = open.values().stream().filter(c -> c.server().equals(server)).toList();
        }
        for (AccountConnection c : candidates) {
            if (c.closeIfIdle(Duration.ofMillis(-1))) {
                synchronized (open) {
                    open.remove(c.accountId(), c);
                }
                return;
            }
        }
    }

    /** {@code -Dmailtidy.max_kept_connections}, else {@link #DEFAULT_MAX_KEPT}. */
    static int maxKeptFromSystemProperties() {
        String v = System.getProperty("mailtidy.max_kept_connections");
        return v == null ? DEFAULT_MAX_KEPT : Math.max(1, Integer.parseInt(v.strip()));
    }

    /** After a lease: remember the account as most recently used, and log out the least recent beyond the bound. */
    private void leased(AccountConnection c) {
        List<AccountConnection> over = new ArrayList<>();
        synchronized (open) {
            if (c.connected()) {
                open.put(c.accountId(), c);
            } else {
                open.remove(c.accountId());
            }
            int excess = open.size() - maxKept;
            for (var it = open.values().iterator(); it.hasNext() && over.size() < excess; ) {
                AccountConnection eldest = it.next();
                if (eldest != c) {
                    over.add(eldest);
                }
            }
        }
        for (AccountConnection eldest : over) {
            // a busy one (tryLock fails) stays; it is told again after its own lease
            if (eldest.closeIfIdle(Duration.ofMillis(-1))) {
                LOG.debug("{}: logged out, {} connections are kept at most", eldest.accountId(), maxKept);
                synchronized (open) {
                    open.remove(eldest.accountId(), eldest);
                }
            }
        }
    }

    /** Adds new accounts, updates changed ones, closes the connections of removed ones. */
    public void reconfigure(Map<String, Account> accounts) {
        accounts.forEach((id, a) -> byAccount.computeIfAbsent(id, k -> {
            AccountConnection c = new AccountConnection(a, connector, backoff, clock);
            c.afterLease(this::leased);
            c.permits(serverPermits);
            return c;
        }).reconfigure(a));
        for (String id : List.copyOf(byAccount.keySet())) {
            if (!accounts.containsKey(id)) {
                AccountConnection gone = byAccount.remove(id);
                gone.retire();
                synchronized (open) {
                    open.remove(id, gone);
                }
            }
        }
    }

    public AccountConnection get(String account) {
        AccountConnection c = byAccount.get(account);
        if (c == null) {
            throw new IllegalArgumentException("no account " + account);
        }
        return c;
    }

    /** Records a mailbox run's outcome on its account (an account a reload removed is ignored). */
    public void ran(RunResult result) {
        AccountConnection c = byAccount.get(result.account());
        if (c != null) {
            c.ran(result.ok(), result.error().orElse(null));
        }
    }

    public void closeIdle(Duration idle) {
        List<AccountConnection> kept;
        synchronized (open) {
            kept = List.copyOf(open.values());
        }
        for (AccountConnection c : kept) {
            if (c.closeIfIdle(idle)) {
                synchronized (open) {
                    open.remove(c.accountId(), c);
                }
            }
        }
    }

    /** Closes every connection, waiting at most {@code wait} in all for runs that hold one. */
    public void shutdown(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (AccountConnection c : byAccount.values()) {
            c.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    public List<AccountConnection.Snapshot> snapshots() {
        List<AccountConnection.Snapshot> out = new ArrayList<>();
        byAccount.values().forEach(c -> out.add(c.snapshot()));
        out.sort(java.util.Comparator.comparing(AccountConnection.Snapshot::account));
        return out;
    }
}
