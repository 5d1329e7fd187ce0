package org.mailtidy.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one IMAP connection of an account, lent to one mailbox run at a time and kept between runs
 * while it works. Holding the lease is what keeps two runs off one mailbox (and off one account)
 * at once; waiting runs queue on it in arrival order.
 *
 * <p>Connect failures back off ({@link Backoff}); during the back-off no attempt is made and a run
 * fails at once. The first failure and the recovery are logged, the attempts in between only at
 * debug, so a server that is down for a day does not flood the journal.
 */
public final class AccountConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AccountConnection.class);
    private static final long WAIT_SLICE_MILLIS = 200;

    /** What the account's connection is doing, as shown in metrics and status. */
    public enum State {
        /** No connection open, none failing (before the first run, or closed while idle). */
        IDLE,
        CONNECTED,
        /** The last attempt failed; the next one waits for the back-off. */
        BACKING_OFF
    }

    /**
     * A consistent copy of the state, for status and metrics. {@code lastError} is the last failed
     * connection attempt's; {@code lastRunError} the last mailbox run's, null once a run succeeded.
     */
    public record Snapshot(String account, State state, Instant failingSince, int failures, Instant nextAttempt,
                    String lastError, Instant lastUsed, String lastRunError, Instant lastRunAt) {

        /** Up: connected or able to connect, and its last mailbox run (if any) did not fail. */
        public boolean up() {
            return failures == 0 && lastRunError == null;
        }

        /** Why the account is down, or null: the connection's error first, else the last run's. */
        public String reason() {
            return failures > 0 ? lastError : lastRunError;
        }
    }

    private final ReentrantLock lease = new ReentrantLock(true);
    private final AccountRun.Connector connector;
    private final Backoff backoff;
    private final Clock clock;

    private volatile Account account;
    private volatile boolean settingsChanged;
    private volatile boolean retired;
    private volatile ImapConnection connection;
    private volatile int failures;
    private volatile Instant failingSince;
    private volatile Instant nextAttempt;
    private volatile String lastError;
    private volatile Instant lastUsed;
    private volatile String lastRunError;
    private volatile Instant lastRunAt;

    private volatile ServerPermits permits = ServerPermits.NONE;
    /** The server whose permit the open connection holds. */
    private volatile String permitOf;

    /** Told after each lease, so the pool can keep a bounded number of connections open (LRU). */
    private volatile java.util.function.Consumer<AccountConnection> afterLease = c -> { };

    AccountConnection(Account account, AccountRun.Connector connector, Backoff backoff, Clock clock) {
        this.account = account;
        this.connector = connector;
        this.backoff = backoff;
        this.clock = clock;
    }

    void permits(ServerPermits p) {
        permits = p;
    }

    /** {@code host:port} of the account's server. */
    String server() {
        return account.host() + ":" + account.port();
    }

    void afterLease(java.util.function.Consumer<AccountConnection> listener) {
        afterLease = listener;
    }

    /** True while a connection is open (in use or kept). */
    boolean connected() {
        return connection != null;
    }

    String accountId() {
        return account.id();
    }

    Account account() {
        return account;
    }

    /** A reload changed the account: the open connection is replaced before its next use. */
    void reconfigure(Account changed) {
        if (!changed.equals(account)) {
            account = changed;
            settingsChanged = true;
        }
    }

    /**
     * Waits for the connection; returns null if {@code stopping} becomes true while waiting.
     */
    public Lease acquire(BooleanSupplier stopping) throws InterruptedException {
        while (!lease.tryLock(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stopping.getAsBoolean()) {
                return null;
            }
        }
        if (stopping.getAsBoolean()) {
            lease.unlock();
            return null;
        }
        return new Lease();
    }

    /** Exclusive use of the account's connection until closed. */
    public final class Lease implements AutoCloseable {
        private boolean released;
        private boolean checked;
        private boolean kept;

        /**
         * The open connection, reconnecting if it is known closed; fails at once while backing off. A
         * kept connection is not checked with a NOOP (a round trip per run, issue 15): one the server
         * dropped while idle fails at its first command, and {@link #kept()} tells the caller that a
         * run which got no answer at all may go again on a fresh connection ({@link #reconnect()}).
         */
        public ImapConnection connection() throws ImapException {
            if (released) {
                throw new IllegalStateException("lease already released");
            }
            if (connection != null && (settingsChanged || (!checked && !connection.isOpen()))) {
                closeConnection();
            }
            if (!checked) {
                kept = connection != null;
            }
            checked = true;
            if (connection == null) {
                connect();
            }
            return connection;
        }

        /** True when {@link #connection()} gave a connection kept from an earlier lease (not checked by a command). */
        boolean kept() {
            return kept;
        }

        /** Drops the kept connection (it died while idle) and connects again. */
        ImapConnection reconnect() throws ImapException {
            closeConnection();
            kept = false;
            return connection();
        }

        /** True if the connection is still open; if not, the next {@link #connection()} reconnects. */
        public boolean connectionAlive() {
            if (connection != null && connection.isAlive()) {
                return true;
            }
            closeConnection();
            return false;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                lastUsed = clock.instant();
                if (retired) {
                    closeConnection();
                }
                lease.unlock();
                afterLease.accept(AccountConnection.this);
            }
        }
    }

    private void connect() throws ImapException {
        Instant now = clock.instant();
        if (nextAttempt != null && now.isBefore(nextAttempt)) {
            throw new ImapException("not connecting to account " + account.id() + " before " + nextAttempt
                    + " (back-off after " + failures + " failed attempts; last: " + lastError + ")");
        }
        settingsChanged = false;
        String server = server();
        try {
            if (!permits.acquire(server)) {
                // the node's share of the server stayed in use for a minute: back off like a failed connect
                ImapException busy = new ImapException.ConnectionLost("not connecting to " + server + " now: this node"
                        + " has had as many connections open to it as mailtidy.max_connections_per_server allows for"
                        + " a minute", null);
                failed(now, busy);
                throw busy;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImapException.ConnectionLost(account.id() + ": interrupted while waiting to connect", null);
        }
        try {
            connection = connector.connect(account);
            permitOf = server;
        } catch (ImapException | RuntimeException e) {
            permits.release(server);
            if (e instanceof ImapException ie) {
                failed(now, ie);
                throw ie;
            }
            throw (RuntimeException) e;
        }
        if (failures > 0) {
            LOG.info("{}: connected again after {} failed attempts over {}s", account.id(), failures,
                    Duration.between(failingSince, now).toSeconds());
        } else {
            LOG.debug("{}: connected", account.id());
        }
        failures = 0;
        failingSince = null;
        nextAttempt = null;
        lastError = null;
    }

    private void failed(Instant now, ImapException e) {
        failures++;
        Duration wait = backoff.delay(failures, () -> ThreadLocalRandom.current().nextDouble());
        nextAttempt = now.plus(wait);
        lastError = e.getMessage();
        if (e instanceof org.mailtidy.engine.MasterLogins.Refused) {
            // said once for the whole group by MasterLogins
            failingSince = failures == 1 ? now : failingSince;
            LOG.debug("{}: {}", account.id(), e.getMessage());
        } else if (failures == 1) {
            failingSince = now;
            LOG.warn("{}: cannot connect: {}; retrying in {} ms and then less and less often (at most every {}s);"
                    + " further failures are logged at debug level", account.id(), e.getMessage(), wait.toMillis(),
                    backoff.max().toSeconds());
        } else {
            LOG.debug("{}: attempt {} failed: {}; next in {} ms", account.id(), failures, e.getMessage(),
                    wait.toMillis());
        }
    }

    private void closeConnection() {
        ImapConnection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("{}: closing the connection: {}", account.id(), e.toString());
            } finally {
                String server = permitOf;
                permitOf = null;
                if (server != null) {
                    permits.release(server);
                }
            }
        }
    }

    /** The account left the configuration: close now, or when the run that holds the connection ends. */
    void retire() {
        retired = true;
        closeIfIdle(Duration.ofMillis(-1));
    }

    /** Closes the connection if nobody uses it and it has not been used for {@code idle}; true if it is closed now. */
    boolean closeIfIdle(Duration idle) {
        if (!lease.tryLock()) {
            return false;
        }
        try {
            if (connection != null && lastUsed != null && clock.instant().isAfter(lastUsed.plus(idle))) {
                LOG.debug("{}: closing the connection, idle since {}", account.id(), lastUsed);
                closeConnection();
            }
            return connection == null;
        } finally {
            lease.unlock();
        }
    }

    /**
     * Closes the connection for good. Waits up to {@code wait} for a run that holds it; after that
     * closes its socket under the run, so a read blocked on a server that sends nothing returns at
     * once (the run fails; its batch is re-derived by the next start).
     */
    void shutdown(Duration wait) throws InterruptedException {
        if (lease.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            try {
                closeConnection();
            } finally {
                lease.unlock();
            }
        } else {
            ImapConnection c = connection;
            if (c != null) {
                c.abort();
            }
        }
    }

    /** The outcome of a mailbox run of this account, for {@code mailtidy_account_up} and {@code /status}. */
    void ran(boolean ok, String error) {
        lastRunError = ok ? null : (error == null ? "the run failed" : error);
        lastRunAt = clock.instant();
    }

    public Snapshot snapshot() {
        // The lease is not taken: a slightly stale view is fine for status and must never wait on a slow run.
        State state = failures > 0 ? State.BACKING_OFF : connection != null ? State.CONNECTED : State.IDLE;
        return new Snapshot(account.id(), state, failingSince, failures, nextAttempt, lastError, lastUsed,
                lastRunError, lastRunAt);
    }
}
