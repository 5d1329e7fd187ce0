package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailtidy.testsupport.Await.await;
import static org.mailtidy.testsupport.Await.holdsFor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.testsupport.Postgres;

/** The cluster's tables, configuration registry and mailbox claims against a real PostgreSQL. */
@Tag("postgres")
class ClusterDatabasePostgresIT {
    private final Postgres postgres = Postgres.get();

    private ClusterDatabase freshDatabase() {
        return new ClusterDatabase(postgres.newDatabase("schema"), Postgres.USER, Postgres.PASSWORD);
    }

    private static long count(ClusterDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(ClusterDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void fourNodesStartingAtOnceCreateTheTablesOnce() throws Exception {
        ClusterDatabase db = freshDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<QuartzSchema.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<QuartzSchema.Outcome> ensure = () -> QuartzSchema.ensure(db);
                outcomes.add(pool.submit(ensure));
            }
            List<QuartzSchema.Outcome> results = new ArrayList<>();
            for (Future<QuartzSchema.Outcome> f : outcomes) {
                results.add(f.get());
            }
            assertThat(results).containsOnlyOnce(QuartzSchema.Outcome.CREATED)
                    .filteredOn(o -> o == QuartzSchema.Outcome.PRESENT).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(db, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%'"))
                .isEqualTo(11);
        assertThat(count(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'idx_qrtz_%'")).isEqualTo(20);
        assertThat(count(db, "SELECT count(*) FROM mailtidy_cluster")).isEqualTo(1);
        assertThat(QuartzSchema.ensure(db)).isEqualTo(QuartzSchema.Outcome.PRESENT);
    }

    @Test
    void tablesOfAnotherQuartzVersionAreAClearErrorAndAreLeftAlone() throws Exception {
        ClusterDatabase db = freshDatabase();
        QuartzSchema.ensure(db);
        execute(db, "ALTER TABLE qrtz_fired_triggers DROP COLUMN sched_time");
        execute(db, "DROP TABLE qrtz_paused_trigger_grps");
        assertThatThrownBy(() -> QuartzSchema.ensure(db)).isInstanceOf(ClusterException.class)
                .hasMessageContaining("its Quartz tables do not match Quartz 2.5.2")
                .hasMessageContaining("table qrtz_fired_triggers has no column sched_time")
                .hasMessageContaining("table qrtz_paused_trigger_grps is missing")
                .hasMessageContaining("point cluster.jdbc_url at an empty database")
                .hasMessageNotContaining(Postgres.PASSWORD);
        assertThat(count(db, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%'"))
                .isEqualTo(10);
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithoutThePassword() {
        ClusterDatabase db = new ClusterDatabase("jdbc:postgresql://127.0.0.1:1/none", "u", "s3cret");
        assertThatThrownBy(() -> QuartzSchema.ensure(db)).isInstanceOf(ClusterException.class)
                .hasMessageContaining("cluster database jdbc:postgresql://127.0.0.1:1/none as u")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void theFirstFileIsAppliedTheSameFileIsInStepANewFileWinsAndALaggingNodeIsOlder() throws Exception {
        ClusterDatabase db = freshDatabase();
        QuartzSchema.ensure(db);
        ConfigRegistry a = new ConfigRegistry(db, "node-a");
        ConfigRegistry b = new ConfigRegistry(db, "node-b");
        Instant t0 = Instant.now().minusSeconds(3600);
        List<String> applied = new ArrayList<>();

        assertThat(a.reconcile("v1", t0, () -> applied.add("a:v1")).standing()).isEqualTo(ConfigRegistry.Standing.NEWER);
        assertThat(b.reconcile("v1", t0, () -> applied.add("b:v1")).standing())
                .isEqualTo(ConfigRegistry.Standing.IN_STEP);
        ConfigRegistry.Verdict v2 = a.reconcile("v2", Instant.now(), () -> applied.add("a:v2"));
        assertThat(v2.standing()).isEqualTo(ConfigRegistry.Standing.NEWER);
        assertThat(v2.appliedBy()).isEqualTo("node-a");

        // node b still has v1, written before v2 was applied: it must not put v1 back
        ConfigRegistry.Verdict lagging = b.reconcile("v1", t0, () -> applied.add("b:v1 again"));
        assertThat(lagging.standing()).isEqualTo(ConfigRegistry.Standing.OLDER);
        assertThat(lagging.clusterDigest()).isEqualTo("v2");
        assertThat(lagging.appliedBy()).isEqualTo("node-a");
        assertThat(b.compare("v2", t0).standing()).isEqualTo(ConfigRegistry.Standing.IN_STEP);

        // writing v1 again after v2 is a roll-back (applied later than v2: the newest applied_at is the cluster's)
        await("the clock to pass v2's applied_at", Duration.ofSeconds(1),
                () -> System.currentTimeMillis() > v2.appliedAt().toEpochMilli());
        assertThat(b.reconcile("v1", Instant.now(), () -> applied.add("b:rollback")).standing())
                .isEqualTo(ConfigRegistry.Standing.NEWER);
        assertThat(a.compare("v2", Instant.now().minusSeconds(1)).standing())
                .isEqualTo(ConfigRegistry.Standing.OLDER);
        assertThat(applied).containsExactly("a:v1", "b:v1", "a:v2", "b:rollback");
    }

    @Test
    void aMailboxIsClaimedByOneNodeAtATimeAndAFiringCoveredByAnotherNodeIsSkipped() throws Exception {
        ClusterDatabase db = freshDatabase();
        QuartzSchema.ensure(db);
        try (RunTable a = new RunTable(db, "node-a"); RunTable b = new RunTable(db, "node-b")) {
            Instant due = Instant.now().minusMillis(100);
            RunTable.Claim claim = a.claim("acct", "Box/1", "every 2000ms", due, false, () -> false).orElseThrow();
            AtomicBoolean giveUp = new AtomicBoolean();
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<RunTable.Claim>> waiting = other.submit(
                        () -> b.claim("acct", "Box/1", "every 2000ms", due, false, giveUp::get));
                // Bounded: a claim that did not wait for node a's would return within a round trip.
                holdsFor("node b waiting for Box/1", Duration.ofMillis(500), () -> !waiting.isDone());
                assertThat(b.claim("acct", "Box/2", "every 2000ms", due, false, () -> false)).isPresent();
                claim.finished(true, true);
                claim.close();
                assertThat(waiting.get()).as("covered by node a's run, which started after the due time").isEmpty();
            } finally {
                other.shutdownNow();
            }
            assertThat(b.claim("acct", "Box/1", "every 2000ms", Instant.now().plusMillis(5), true, () -> false))
                    .as("a later firing").isPresent();
            assertThat(count(db, "SELECT count(*) FROM mailtidy_run WHERE mailbox = 'Box/1' AND recovering"))
                    .isEqualTo(1);
            assertThat(count(db, "SELECT count(*) FROM mailtidy_run WHERE mailbox = 'Box/1' AND reached"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aKilledNodesLocksAreReleasedWithItsConnection() throws Exception {
        ClusterDatabase db = freshDatabase();
        QuartzSchema.ensure(db);
        try (RunTable b = new RunTable(db, "node-b")) {
            RunTable a = new RunTable(db, "node-a");
            a.claim("acct", "INBOX", "every 2000ms", Instant.now(), false, () -> false).orElseThrow();
            a.close(); // the connection ends as when the process dies
            assertThat(b.claim("acct", "INBOX", "every 2000ms", Instant.now(), false, () -> false)).isPresent();
        }
    }
}
