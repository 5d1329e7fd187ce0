package org.mailtidy.schedule;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Who may run a mailbox for a firing. One node decides from its own ledger (its account
 * connection already keeps two runs apart); a cluster node claims the mailbox in the shared
 * database ({@code cluster.ClusterRunClaims}).
 */
public interface RunClaims {

    /**
     * The claim of the run of {@code mailbox} (canonical name) for the firing of {@code schedule}
     * due at {@code due}; null if there is nothing to do (a run since {@code due} covered it) or the
     * mailbox cannot be claimed now.
     */
    Claim claim(String account, String mailbox, ScheduleKey schedule, Instant due, boolean recovering,
                BooleanSupplier stopping) throws InterruptedException;

    /** A claimed run; closing it lets others run the mailbox. */
    interface Claim extends AutoCloseable {
        /** {@code reachedServer}: the run did its work, so it covers its firing. */
        void finished(boolean ok, boolean reachedServer);

        /** Empty while the claim still holds; else why not. Asked before each operation the run sends. */
        default Optional<String> lost() {
            return Optional.empty();
        }

        @Override
        void close();
    }

    Claim UNRECORDED = new Claim() {
        @Override
        public void finished(boolean ok, boolean reachedServer) {
        }

        @Override
        public void close() {
        }
    };

    static RunClaims local(RunLedger ledger) {
        return (account, mailbox, schedule, due, recovering, stopping) ->
                ledger.coveredSince(account, mailbox, schedule, due) ? null : UNRECORDED;
    }
}
