package org.mailtidy.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * Which configuration the cluster runs. Every node loads its own copy of the file; the jobs and
 * triggers in the database are those of the last file applied. A file is identified by the
 * SHA-256 of its bytes, so nodes with the same file agree without comparing clocks.
 *
 * <p>A node's file is <em>older</em> than the cluster's if the cluster applied it before and has
 * since moved on, and the file was not written again after that (writing it again is a deliberate
 * roll-back). An older node must not touch the jobs: it would undo the newer file. A file the
 * cluster has never seen is <em>newer</em> and is applied.
 */
public final class ConfigRegistry {

    /** How this node's file stands to the cluster's. */
    public enum Standing { IN_STEP, NEWER, OLDER }

    /**
     * @param clusterDigest the digest of the file the cluster runs after this call (null: none yet)
     */
    public record Verdict(Standing standing, String clusterDigest, Instant appliedAt, String appliedBy) {
    }

    /** What the node does with the jobs when its file is not older: reconcile them with its plan. */
    @FunctionalInterface
    public interface Apply<E extends Exception> {
        void apply() throws E;
    }

    private record Applied(String digest, long fileModified, long appliedAt, String appliedBy) {
    }

    private final ClusterDatabase db;
    private final String node;

    public ConfigRegistry(ClusterDatabase db, String node) {
        this.db = db;
        this.node = node;
    }

    /**
     * Under a cluster-wide lock (one node reconciles at a time): if this node's file is not older
     * than the cluster's, runs {@code apply} and records the file as the cluster's.
     */
    public <E extends Exception> Verdict reconcile(String digest, Instant fileModified, Apply<E> apply)
            throws SQLException, E {
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + Locks.SPACE + ", " + Locks.CONFIG + ")");
            }
            try {
                Verdict v = compare(c, digest, fileModified);
                if (v.standing() == Standing.OLDER) {
                    return v;
                }
                apply.apply();
                if (v.standing() == Standing.IN_STEP && v.clusterDigest() != null) {
                    return v;
                }
                long now = System.currentTimeMillis();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO mailtidy_config"
                        + " (digest, file_modified, applied_at, applied_by) VALUES (?, ?, ?, ?) ON CONFLICT (digest)"
                        + " DO UPDATE SET file_modified = excluded.file_modified, applied_at = excluded.applied_at,"
                        + " applied_by = excluded.applied_by")) {
                    ps.setString(1, digest);
                    ps.setLong(2, fileModified.toEpochMilli());
                    ps.setLong(3, now);
                    ps.setString(4, node);
                    ps.executeUpdate();
                }
                return new Verdict(v.standing(), digest, Instant.ofEpochMilli(now), node);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + Locks.SPACE + ", " + Locks.CONFIG + ")");
                }
            }
        }
    }

    /** How this node's file stands now, without changing anything. */
    public Verdict compare(String digest, Instant fileModified) throws SQLException {
        try (Connection c = db.connect()) {
            return compare(c, digest, fileModified);
        }
    }

    private Verdict compare(Connection c, String digest, Instant fileModified) throws SQLException {
        Optional<Applied> current = applied(c, "ORDER BY applied_at DESC LIMIT 1", null);
        if (current.isEmpty()) {
            return new Verdict(Standing.NEWER, null, null, null);
        }
        Applied cur = current.get();
        Verdict as = new Verdict(null, cur.digest(), Instant.ofEpochMilli(cur.appliedAt()), cur.appliedBy());
        if (cur.digest().equals(digest)) {
            return with(as, Standing.IN_STEP);
        }
        boolean superseded = applied(c, "WHERE digest = ?", digest).isPresent();
        return with(as, superseded && fileModified.toEpochMilli() <= cur.appliedAt() ? Standing.OLDER
                : Standing.NEWER);
    }

    private static Verdict with(Verdict v, Standing s) {
        return new Verdict(s, v.clusterDigest(), v.appliedAt(), v.appliedBy());
    }

    private static Optional<Applied> applied(Connection c, String where, String digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT digest, file_modified, applied_at, applied_by FROM mailtidy_config " + where)) {
            if (digest != null) {
                ps.setString(1, digest);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Applied(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getString(4))) : Optional.empty();
            }
        }
    }

    /** The start of the cluster's {@code every} grid: the first start of the first node. */
    public Instant anchor() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT anchor FROM mailtidy_cluster WHERE id = 1")) {
            if (!rs.next()) {
                throw new SQLException("mailtidy_cluster has no row; it is written when the tables are created");
            }
            return Instant.ofEpochMilli(rs.getLong(1));
        }
    }
}
