package org.mailtidy.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.mailtidy.config.Cluster;
import org.mailtidy.http.JsonWriter;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.RunClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster ({@code cluster:} in the file): Quartz's clustered JDBC store on
 * the shared database, the configuration the cluster runs, and mailbox claims.
 *
 * <p>A node whose file is older than the cluster's (another node applied a newer one) does not
 * touch the jobs and does not fire: it would run the old rules, and triggers that only the newer
 * file knows would be lost on it. It logs a warning, and fires again once its file is updated.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** All nodes of a cluster share this scheduler name (Quartz's SCHED_NAME column). */
    static final String SCHEDULER_NAME = "mailtidy";
    private static final Duration KEEP_RUNS = Duration.ofDays(1);

    /** What the node does to its scheduler when its standing changes. */
    public interface Control {
        void pause();

        void resume();
    }

    private final Cluster settings;
    private final ClusterDatabase db;
    private final String instanceId;
    private final Duration checkin;
    private final ConfigRegistry registry;
    private final RunTable runs;
    private final boolean createdTables;
    private volatile ConfigRegistry.Verdict verdict;
    private volatile String failure;
    private Instant lastPrune = Instant.EPOCH;

    private ClusterNode(Cluster settings, ClusterDatabase db, Duration checkin, boolean createdTables) {
        this.settings = settings;
        this.db = db;
        this.instanceId = instanceId();
        this.checkin = checkin;
        this.registry = new ConfigRegistry(db, instanceId);
        this.runs = new RunTable(db, instanceId);
        this.createdTables = createdTables;
    }

    /** Connects, creates or checks the tables. */
    public static ClusterNode start(Cluster settings, Duration checkin) throws ClusterException {
        ClusterDatabase db = ClusterDatabase.of(settings);
        boolean created = QuartzSchema.ensure(db) == QuartzSchema.Outcome.CREATED;
        ClusterNode node = new ClusterNode(settings, db, checkin, created);
        LOG.info("cluster node {} on {} (check-in every {} ms)", node.instanceId, db, checkin.toMillis());
        return node;
    }

    public Cluster settings() {
        return settings;
    }

    String id() {
        return instanceId;
    }

    /** Quartz's clustered JDBC store on the cluster database. */
    public Properties quartzProperties() {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", "mailtidy");
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // job data as strings, not serialized Java objects
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkin.toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // A node that finds no trigger due sleeps this long (Quartz's default is 30 s, so a node that once
        // found every trigger taken by the others sat out for half a minute); it is one small query.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        // while the database is away, try again every 2 s (not Quartz's 15 s) so firing resumes soon after
        p.setProperty("org.quartz.jobStore.dbRetryInterval", "2000");
        p.putAll(db.quartzDataSource("mailtidy", 10));
        return p;
    }

    public RunClaims claims() {
        return new ClusterRunClaims(runs);
    }

    /**
     * The start of the cluster's {@code every} grid, shared by all nodes so that triggers made by
     * different nodes fire together; {@code now} is this start (a new cluster fires at once).
     */
    public Instant anchor(Instant now) throws ClusterException {
        try {
            return createdTables ? now : registry.anchor();
        } catch (SQLException e) {
            throw new ClusterException("cluster database " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * At start and at each reload: reconciles the cluster's jobs with {@code loaded} (under the
     * cluster's lock) unless this node's file is older; pauses or resumes firing to match.
     */
    public <E extends Exception> void reconcile(Loaded loaded, ConfigRegistry.Apply<E> apply, Control control) throws E {
        try {
            ConfigRegistry.Verdict v = registry.reconcile(loaded.digest(), loaded.fileModified(), apply);
            failure = null;
            settle(v, control);
        } catch (SQLException e) {
            failure = e.getMessage();
            LOG.error("cluster database {}: cannot reconcile the jobs with {} ({}); trying again at the next check",
                    db, loaded.config().file(), e.getMessage());
        }
    }

    /** The periodic check: is this node's file still the cluster's? Also prunes old run records. */
    public <E extends Exception> void check(Loaded loaded, ConfigRegistry.Apply<E> apply, Control control) throws E {
        try {
            ConfigRegistry.Verdict v = registry.compare(loaded.digest(), loaded.fileModified());
            if (v.standing() == ConfigRegistry.Standing.NEWER) {
                reconcile(loaded, apply, control);
                return;
            }
            failure = null;
            settle(v, control);
            Instant now = Instant.now();
            if (Duration.between(lastPrune, now).toHours() >= 1) {
                lastPrune = now;
                int pruned = runs.prune(KEEP_RUNS);
                LOG.debug("pruned {} run records older than {}", pruned, KEEP_RUNS);
            }
        } catch (SQLException e) {
            failure = e.getMessage();
            LOG.debug("cluster check: {}", e.getMessage());
        }
    }

    private void settle(ConfigRegistry.Verdict v, Control control) {
        ConfigRegistry.Verdict before = verdict;
        verdict = v;
        if (v.standing() == ConfigRegistry.Standing.OLDER) {
            if (before != null && before.standing() == ConfigRegistry.Standing.OLDER
                    && before.clusterDigest().equals(v.clusterDigest())) {
                return;
            }
            LOG.warn("this node's configuration is older than the cluster's: the cluster runs the file {} applied"
                    + " by node {} at {}; this node does not fire until its file is updated",
                    v.clusterDigest().substring(0, 12), v.appliedBy(), v.appliedAt());
            control.pause();
        } else {
            if (before != null && before.standing() == ConfigRegistry.Standing.OLDER) {
                LOG.info("this node's configuration is the cluster's again; firing");
            }
            control.resume();
        }
    }

    public boolean older() {
        ConfigRegistry.Verdict v = verdict;
        return v != null && v.standing() == ConfigRegistry.Standing.OLDER;
    }

    /** Every this often each node checks that its file is still the cluster's. */
    public Duration checkPeriod() {
        return checkin.multipliedBy(4);
    }

    /** This node in the cluster, for the status page; without the database URL. */
    public record Summary(String node, String configuration, String clusterConfiguration, String appliedBy,
                   Instant appliedAt, String databaseError) {
    }

    public Summary summary() {
        ConfigRegistry.Verdict v = verdict;
        return new Summary(instanceId, v == null ? null
                : v.standing() == ConfigRegistry.Standing.OLDER ? "older than the cluster's" : "the cluster's",
                v == null || v.clusterDigest() == null ? null : v.clusterDigest().substring(0, 12),
                v == null ? null : v.appliedBy(), v == null ? null : v.appliedAt(), failure);
    }

    public void status(JsonWriter w) {
        ConfigRegistry.Verdict v = verdict;
        w.name("cluster").beginObject().field("node", instanceId).field("database", db.displayUrl())
                .field("configuration", v == null ? null
                        : v.standing() == ConfigRegistry.Standing.OLDER ? "older than the cluster's" : "the cluster's")
                .field("cluster_configuration", v == null || v.clusterDigest() == null ? null
                        : v.clusterDigest().substring(0, 12))
                .field("applied_by", v == null ? null : v.appliedBy())
                .field("applied_at", v == null ? null : v.appliedAt())
                .field("database_error", failure).endObject();
    }

    @Override
    public void close() {
        runs.close();
    }

    /** host-pid-start: unique per process, and says where to look. */
    private static String instanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime(), 36);
    }
}
