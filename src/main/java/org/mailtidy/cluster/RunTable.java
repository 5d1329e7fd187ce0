package org.mailtidy.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Mailbox runs across the cluster: a run holds a PostgreSQL advisory lock on its mailbox, so two
 * nodes never run one mailbox at once, even when two jobs (two patterns naming the mailbox) fire
 * on two nodes; and each run is recorded in {@code mailtidy_run}, so a firing that another node
 * has already covered is skipped, as one node does with its own ledger.
 *
 * <p>All of a node's locks live on one connection. When it breaks (the database went away) the
 * server has released them: a run in progress learns it from {@link Claim#held()} before its next
 * command and sends nothing more, and new runs wait until the connection can be reopened.
 */
public final class RunTable implements AutoCloseable {
    private static final long POLL_MILLIS = 100;
    /** A database that does not answer this quickly cannot vouch for the lock: the run stops sending. */
    private static final int HOLD_CHECK_TIMEOUT_SECONDS = 5;

    private final ClusterDatabase db;
    private final String node;
    private Connection connection;
    private long generation;

    public RunTable(ClusterDatabase db, String node) {
        this.db = db;
        this.node = node;
    }

    /** A mailbox held for one run; {@link #close()} releases it. */
    public final class Claim implements AutoCloseable {
        private final long key;
        private final long generationLocked;
        private final long id;
        private boolean closed;

        private Claim(long key, long generationLocked, long id) {
            this.key = key;
            this.generationLocked = generationLocked;
            this.id = id;
        }

        /**
         * True while the lock is still held: the connection it was taken on is the current one and
         * the server still lists the lock as this session's. A broken connection (the database
         * restarted, the session was terminated, the network failed) released the lock on the
         * server, and another node may take the mailbox at once.
         */
        public boolean held() {
            return holds(key, generationLocked);
        }

        /** Records the end of the run; {@code reachedServer}: it did its work (it covers its firing). */
        public void finished(boolean ok, boolean reachedServer) throws SQLException {
            update(id, ok, reachedServer);
        }

        @Override
        public void close() throws SQLException {
            if (!closed) {
                closed = true;
                unlock(key, generationLocked);
            }
        }
    }

    /**
     * Waits for the mailbox's lock (until {@code stopping}), then claims the run of the firing due
     * at {@code due}; empty if a run of the same schedule that reached the server started at or
     * after {@code due} (on any node), or if stopping.
     */
    public Optional<Claim> claim(String account, String mailbox, String schedule, Instant due, boolean recovering,
                                 BooleanSupplier stopping) throws SQLException, InterruptedException {
        long key = lockKey(account, mailbox);
        long locked;
        while ((locked = tryLock(key)) < 0) {
            if (stopping.getAsBoolean()) {
                return Optional.empty();
            }
            Thread.sleep(POLL_MILLIS);
        }
        try {
            if (stopping.getAsBoolean() || coveredSince(account, mailbox, schedule, due)) {
                unlock(key, locked);
                return Optional.empty();
            }
            return Optional.of(new Claim(key, locked, insert(account, mailbox, schedule, due, recovering)));
        } catch (SQLException | RuntimeException e) {
            unlock(key, locked);
            throw e;
        }
    }

    /** The generation of the connection the lock was taken on, or -1 if another node holds it. */
    private synchronized long tryLock(long key) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? generation : -1;
            }
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    private synchronized boolean holds(long key, long lockedOn) {
        if (lockedOn != generation || connection == null) {
            return false;
        }
        // a bigint advisory lock is listed with its high half in classid, its low half in objid, objsubid 1
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype ="
                + " 'advisory' AND objsubid = 1 AND granted AND pid = pg_backend_pid() AND classid::bigint = ?"
                + " AND objid::bigint = ?")) {
            ps.setQueryTimeout(HOLD_CHECK_TIMEOUT_SECONDS);
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            broken();
            return false;
        }
    }

    /** The server process of the connection that holds this node's locks (for tests that end it). */
    synchronized int backendPid() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT pg_backend_pid()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private synchronized void unlock(long key, long lockedOn) throws SQLException {
        if (lockedOn != generation || connection == null) {
            return; // that connection is gone, and its locks with it
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.executeQuery().close();
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    private synchronized boolean coveredSince(String account, String mailbox, String schedule, Instant due)
            throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT 1 FROM mailtidy_run WHERE account = ?"
                + " AND mailbox = ? AND schedule = ? AND started >= ? AND reached LIMIT 1")) {
            setFiring(ps, account, mailbox, schedule, due);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    /** Parameters 1 to 4 of the statements that look up or record one firing: its columns, in table order. */
    private static void setFiring(PreparedStatement ps, String account, String mailbox, String schedule, Instant due)
            throws SQLException {
        ps.setString(1, account);
        ps.setString(2, mailbox);
        ps.setString(3, schedule);
        ps.setLong(4, due.toEpochMilli());
    }

    private synchronized long insert(String account, String mailbox, String schedule, Instant due,
                                     boolean recovering) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO mailtidy_run (account, mailbox,"
                + " schedule, due, node, recovering, started) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            setFiring(ps, account, mailbox, schedule, due);
            ps.setString(5, node);
            ps.setBoolean(6, recovering);
            ps.setLong(7, System.currentTimeMillis());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    private synchronized void update(long id, boolean ok, boolean reached) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(
                "UPDATE mailtidy_run SET finished = ?, ok = ?, reached = ? WHERE id = ?")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setBoolean(2, ok);
            ps.setBoolean(3, reached);
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    /** Deletes the records of runs that started more than {@code keep} ago; returns how many. */
    public synchronized int prune(Duration keep) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("DELETE FROM mailtidy_run WHERE started < ?")) {
            ps.setLong(1, System.currentTimeMillis() - keep.toMillis());
            return ps.executeUpdate();
        } catch (SQLException e) {
            broken();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = db.connect();
            generation++;
        }
        return connection;
    }

    private void broken() {
        Connection c = connection;
        connection = null;
        generation++;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }

    @Override
    public synchronized void close() {
        broken();
    }

    /** A 64-bit key for (account, mailbox); a collision only makes two mailboxes wait for each other. */
    static long lockKey(String account, String mailbox) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((account + "\0" + mailbox)
                    .getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (h[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
