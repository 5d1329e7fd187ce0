package org.mailtidy.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Account;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.engine.MailboxRun;
import org.mailtidy.engine.RunResult;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a trigger firing does: take the account's connection, resolve the job's mailbox pattern
 * (LIST, at every firing, so new mailboxes are picked up without a reload) and run each mailbox with
 * the rules whose schedule fired. Stops between mailboxes when the daemon stops.
 */
public final class Firings {
    private static final Logger LOG = LoggerFactory.getLogger(Firings.class);

    private final RunServices services;
    private final RunLedger ledger;
    private volatile Retries retries = (account, pattern, scheduleId, due, at) -> { };
    private volatile RunClaims claims;
    private volatile boolean waitForRuns;
    private int inFlight;

    /** Fires a job again for a firing that could not reach the server. */
    @FunctionalInterface
    interface Retries {
        void retry(String account, String pattern, String scheduleId, Instant due, Instant at);
    }

    public Firings(RunServices services, RunLedger ledger) {
        this.services = services;
        this.ledger = ledger;
        this.claims = RunClaims.local(ledger);
    }

    /** In a cluster, mailboxes are claimed in the shared database instead of this node's ledger. */
    public void claimWith(RunClaims c) {
        claims = c;
        waitForRuns = true;
    }

    void retryWith(Retries r) {
        retries = r;
    }

    /**
     * One firing of job (account, pattern) for one schedule, due at {@code due}: queued in the
     * account's lane ({@link AccountLanes}), so a firing that waits for its account holds no
     * thread. A firing of the same job and schedule that still waits covers this one (a recovering
     * one it does not). The returned future completes when the firing has run (or was covered or
     * dropped): in a cluster the Quartz job waits for it, so that Quartz recovers the firing on
     * another node if this one dies.
     */
    java.util.concurrent.CompletableFuture<Void> fire(String account, String pattern, String scheduleId, Instant due,
                                                      boolean recovering) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        if (services.stopping().getAsBoolean()) {
            done.complete(null);
            return done;
        }
        enter();
        // A recovering firing (Quartz redoing a dead node's run) has its own key: a regular
        // firing of the same job that waits must not cover it, or the dead node's run is never redone.
        Object key = recovering ? List.of("recovering", pattern, scheduleId, due.toString())
                : List.of("scheduled", pattern, scheduleId);
        boolean queued = services.lanes().submit(account, key, () -> {
            try {
                run(account, pattern, scheduleId, due, recovering);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                leave();
                done.complete(null);
            }
        });
        if (!queued) {
            leave();
            done.complete(null);
        }
        return done;
    }

    /** True in a cluster: a Quartz job lasts as long as its run (see {@link #fire}). */
    boolean jobsWaitForRuns() {
        return waitForRuns;
    }

    /**
     * Runs the firing. If the account cannot be reached, the firing is retried when the back-off
     * allows, so an outage delays a run instead of dropping it until the next scheduled time
     * (which may be a day away).
     */
    private void run(String account, String pattern, String scheduleId, Instant due, boolean recovering)
            throws InterruptedException {
        Loaded loaded = services.current().get();
        Optional<ScheduleKey> schedule = loaded.schedule(account, pattern, scheduleId);
        if (schedule.isEmpty() || !loaded.config().accounts().containsKey(account)
                || services.stopping().getAsBoolean()) {
            return; // removed by a reload after the trigger fired
        }
        MDC.put("account", account);
        try (AccountConnection.Lease lease = services.pool().get(account).acquire(services.stopping())) {
            if (lease != null && !fire(lease, loaded, loaded.config().account(account), pattern, schedule.get(), due,
                    recovering) && !services.stopping().getAsBoolean()) {
                Instant at = services.pool().get(account).snapshot().nextAttempt();
                retries.retry(account, pattern, scheduleId, due, at == null ? services.clock().instant() : at);
            }
        } finally {
            MDC.remove("account");
        }
    }

    /** False if some mailbox was left undone for want of a connection. */
    private boolean fire(AccountConnection.Lease lease, Loaded loaded, Account account, String pattern,
                         ScheduleKey schedule, Instant due, boolean recovering) throws InterruptedException {
        List<String> mailboxes;
        if (MailboxPatterns.isWildcard(pattern)) {
            Instant started = services.clock().instant();
            try {
                mailboxes = lease.connection().list(pattern);
                if (mailboxes.isEmpty()) {
                    LOG.warn("{}: no mailbox matches '{}' (names are relative to the personal namespace); its rules"
                            + " ran on nothing", account.id(), pattern);
                }
            } catch (ImapException e) {
                LOG.warn("{} {}: cannot list the mailboxes: {}", account.id(), pattern, e.getMessage());
                finished(schedule, started, failed(account.id(), pattern, started, e), false);
                return false;
            }
        } else {
            mailboxes = List.of(pattern);
        }
        boolean reached = true;
        for (String mailbox : mailboxes) {
            if (services.stopping().getAsBoolean()) {
                LOG.info("{}: stopping; {} is left for the next start", account.id(), mailbox);
                return true;
            }
            List<RuleConfig> rules = JobPlan.rulesFor(loaded.config(), account.id(), schedule, mailbox);
            if (rules.isEmpty()) {
                continue;
            }
            try (RunClaims.Claim claim = claims.claim(account.id(), MailboxPatterns.canonical(mailbox), schedule, due,
                    recovering, services.stopping())) {
                if (claim == null && recovering && !services.stopping().getAsBoolean()) {
                    // the one trace of a dead node's firing that another run (often another job's) did already
                    LOG.info("{} {}: the firing due at {}, left unfinished by a failed node, is not run again: a run"
                            + " since covered it (or the cluster database was unreachable)", account.id(), mailbox,
                            due);
                    continue;
                }
                if (claim == null) {
                    LOG.debug("{} {}: nothing to do for the firing due at {}", account.id(), mailbox, due);
                    continue;
                }
                reached &= runMailbox(lease, loaded, account, mailbox, rules, schedule, claim);
            }
        }
        return reached;
    }

    /** False if the run could not reach the server (no connection, or it was lost). */
    private boolean runMailbox(AccountConnection.Lease lease, Loaded loaded, Account account, String mailbox,
                            List<RuleConfig> rules, ScheduleKey schedule, RunClaims.Claim claim) {
        MDC.put("mailbox", mailbox);
        Instant started = services.clock().instant();
        ledger.started(account.id(), mailbox, started);
        try {
            ImapConnection connection;
            try {
                connection = lease.connection();
            } catch (ImapException e) {
                finished(schedule, started, failed(account.id(), mailbox, started, e), false);
                claim.finished(false, false);
                return false;
            }
            long answered = connection.responsesRead();
            RunResult result = new MailboxRun(connection, account.id(), mailbox,
                    rules.stream().map(RuleConfig::spec).toList(), account.trashMailbox(), loaded.settings())
                    .sendingWhile(claim::lost).execute();
            // (not asked with connectionAlive(): Angus would log in again underneath to answer it)
            if (!result.ok() && lease.kept() && connection.responsesRead() == answered) {
                // The kept connection had died while idle (it is not checked with a NOOP first): the
                // server answered nothing of this run, so nothing of it was done. Once more, fresh.
                try {
                    connection = lease.reconnect();
                } catch (ImapException e) {
                    finished(schedule, started, failed(account.id(), mailbox, started, e), false);
                    claim.finished(false, false);
                    return false;
                }
                result = new MailboxRun(connection, account.id(), mailbox,
                        rules.stream().map(RuleConfig::spec).toList(), account.trashMailbox(), loaded.settings())
                        .sendingWhile(claim::lost).execute();
            }
            boolean reached = result.ok() || lease.connectionAlive();
            finished(schedule, started, result, reached);
            claim.finished(result.ok(), reached);
            return reached;
        } finally {
            MDC.remove("mailbox");
        }
    }

    private RunResult failed(String account, String mailbox, Instant started, ImapException e) {
        return new RunResult(account, mailbox, RunResult.Status.FAILED, 0, List.of(),
                Duration.between(started, services.clock().instant()), java.util.Map.of(), List.of(), List.of(),
                Optional.of(e.getMessage()));
    }

    private void finished(ScheduleKey schedule, Instant started, RunResult result, boolean reachedServer) {
        ledger.finished(schedule, started, result, reachedServer);
        services.pool().ran(result);
        services.metrics().record(result, services.clock().instant());
    }

    private synchronized void enter() {
        inFlight++;
    }

    private synchronized void leave() {
        inFlight--;
        notifyAll();
    }

    /** Waits until no firing is in progress; false if {@code timeout} passed first. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
