package org.mailtidy.cluster;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.mailtidy.schedule.RunClaims;
import org.mailtidy.schedule.ScheduleKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims mailboxes in the cluster's {@link RunTable}. While the database cannot be reached no
 * mailbox is claimed, so none is run: another node that still reaches it may be running the same
 * mailbox. The first failure and the recovery are logged as warnings, the rest at debug.
 */
final class ClusterRunClaims implements RunClaims {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRunClaims.class);

    private final RunTable table;
    private volatile boolean failing;

    ClusterRunClaims(RunTable table) {
        this.table = table;
    }

    @Override
    public Claim claim(String account, String mailbox, ScheduleKey schedule, Instant due, boolean recovering,
                       BooleanSupplier stopping) throws InterruptedException {
        Optional<RunTable.Claim> claim;
        try {
            claim = table.claim(account, mailbox, schedule.id(), due, recovering, stopping);
        } catch (SQLException e) {
            failed(account + " " + mailbox + ": not run: cannot claim it in the cluster database", e);
            return null;
        }
        reachable();
        return claim.<Claim>map(c -> new Claim() {
            @Override
            public void finished(boolean ok, boolean reachedServer) {
                try {
                    c.finished(ok, reachedServer);
                } catch (SQLException e) {
                    failed(account + " " + mailbox + ": the run is done but the cluster database did not"
                            + " record it", e);
                }
            }

            @Override
            public Optional<String> lost() {
                if (c.held()) {
                    return Optional.empty();
                }
                LOG.warn("{} {}: the connection that holds the mailbox's lock in the cluster database was lost;"
                        + " another node may take the mailbox now, so this run sends nothing more", account, mailbox);
                return Optional.of("the mailbox's cluster lock was lost (its database connection broke)");
            }

            @Override
            public void close() {
                try {
                    c.close();
                } catch (SQLException e) {
                    failed(account + " " + mailbox + ": releasing its lock", e);
                }
            }
        }).orElse(null);
    }

    private void failed(String what, SQLException e) {
        if (!failing) {
            failing = true;
            LOG.warn("{}: {}; no mailbox is run until the database is back (further failures at debug)", what,
                    e.getMessage());
        } else {
            LOG.debug("{}: {}", what, e.getMessage());
        }
    }

    private void reachable() {
        if (failing) {
            failing = false;
            LOG.warn("the cluster database is reachable again; running mailboxes");
        }
    }
}
