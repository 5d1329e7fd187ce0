package org.mailtidy.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.engine.RunResult;
import org.mailtidy.http.MetricsRegistry;
import org.mailtidy.http.RuntimeMetrics;
import org.mailtidy.rules.RuleStats;

/** The daemon's metrics, all named {@code mailtidy_*}. */
public final class DaemonMetrics {
    /** Run durations in seconds: from a quick flag pass to a large first clean-up. */
    static final double[] DURATION_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final MetricsRegistry registry = new MetricsRegistry();
    private final MetricsRegistry.Gauge up = registry.gauge("mailtidy_scheduler_running",
            "1 while the scheduler fires jobs");
    private final MetricsRegistry.Counter runs = registry.counter("mailtidy_runs_total",
            "Mailbox runs, successful or not", "account", "mailbox");
    private final MetricsRegistry.Counter failures = registry.counter("mailtidy_run_failures_total",
            "Mailbox runs that failed (nothing or only part sent)", "account", "mailbox");
    private final MetricsRegistry.Histogram duration = registry.histogram("mailtidy_run_duration_seconds",
            "Duration of mailbox runs", DURATION_BUCKETS, "account");
    private final MetricsRegistry.Gauge lastSuccess = registry.gauge("mailtidy_last_success_timestamp_seconds",
            "End of the last successful run of the mailbox, Unix time", "account", "mailbox");
    private final MetricsRegistry.Counter matched = registry.counter("mailtidy_messages_matched_total",
            "Messages a rule matched", "account", "rule");
    private final MetricsRegistry.Counter changed = registry.counter("mailtidy_messages_changed_total",
            "Messages whose flags a rule changed", "account", "rule");
    private final MetricsRegistry.Counter copied = registry.counter("mailtidy_messages_copied_total",
            "Messages a rule copied", "account", "rule");
    private final MetricsRegistry.Counter moved = registry.counter("mailtidy_messages_moved_total",
            "Messages a rule moved or trashed", "account", "rule");
    private final MetricsRegistry.Counter deleted = registry.counter("mailtidy_messages_deleted_total",
            "Messages a rule deleted (expunged)", "account", "rule");
    private final MetricsRegistry.Gauge connection = registry.gauge("mailtidy_account_connection_state",
            "1 for the account's current connection state (idle, connected, backing_off), else 0", "account",
            "state");
    private final MetricsRegistry.Gauge connectFailures = registry.gauge("mailtidy_account_connect_failures",
            "Consecutive failed connection attempts of the account (0 when connected)", "account");
    private final MetricsRegistry.Gauge accountUp = registry.gauge("mailtidy_account_up",
            "1 while the account connects and its last mailbox run did not fail, else 0 (reason in /status)",
            "account");
    private final MetricsRegistry.Gauge waiting = registry.gauge("mailtidy_runs_waiting",
            "Mailbox runs (firings and arrival runs) queued behind their account's run in progress");
    private final MetricsRegistry.Gauge runThreads = registry.gauge("mailtidy_run_threads",
            "Threads that run mailboxes, one account at a time each (at most the accounts, at most 32)");
    private final MetricsRegistry.Counter reloads = registry.counter("mailtidy_config_reloads_total",
            "Configuration reloads by result (ok, invalid)", "result");

    private final RuntimeMetrics runtime = new RuntimeMetrics();

    /**
     * Forgets the series of accounts, mailboxes and rules that are no longer in {@code config}:
     * a mailbox series stays while one of its account's rules names a pattern it matches.
     */
    public void retain(Config config) {
        Map<String, List<String>> patterns = new HashMap<>();
        Map<String, Set<String>> rules = new HashMap<>();
        for (RuleConfig r : config.rules()) {
            for (String id : config.accounts().keySet()) {
                if (r.appliesTo(id)) {
                    patterns.computeIfAbsent(id, a -> new ArrayList<>()).addAll(r.mailboxes());
                    rules.computeIfAbsent(id, a -> new HashSet<>()).add(r.name());
                }
            }
        }
        Predicate<List<String>> account = l -> config.accounts().containsKey(l.get(0));
        Predicate<List<String>> mailbox = l -> MailboxPatterns.matchesAny(patterns.getOrDefault(l.get(0), List.of()),
                l.get(1));
        Predicate<List<String>> rule = l -> rules.getOrDefault(l.get(0), Set.of()).contains(l.get(1));
        List.of(runs, failures).forEach(c -> c.retain(mailbox));
        lastSuccess.retain(mailbox);
        duration.retain(account);
        connection.retain(account);
        connectFailures.retain(account);
        accountUp.retain(account);
        List.of(matched, changed, copied, moved, deleted).forEach(c -> c.retain(rule));
    }

    public void schedulerRunning(boolean running) {
        up.labels().set(running ? 1 : 0);
    }

    public void reload(boolean ok) {
        reloads.labels(ok ? "ok" : "invalid").inc();
    }

    public void record(RunResult r, Instant finished) {
        runs.labels(r.account(), r.mailbox()).inc();
        duration.labels(r.account()).observe(r.duration().toNanos() / 1e9);
        if (r.ok()) {
            lastSuccess.labels(r.account(), r.mailbox()).set(finished.toEpochMilli() / 1000.0);
        } else {
            failures.labels(r.account(), r.mailbox()).inc();
        }
        for (RuleStats s : r.ruleStats()) {
            matched.labels(r.account(), s.rule()).inc(s.matched());
            changed.labels(r.account(), s.rule()).inc(s.flagsChanged());
            copied.labels(r.account(), s.rule()).inc(s.copied());
            moved.labels(r.account(), s.rule()).inc(s.moved());
            deleted.labels(r.account(), s.rule()).inc(s.deleted());
        }
    }

    /** The scrape answer, with the connection and queue gauges read now. */
    public String scrape(List<AccountConnection.Snapshot> accounts, AccountLanes lanes) {
        waiting.labels().set(lanes.waiting());
        runThreads.labels().set(lanes.threads());
        for (AccountConnection.Snapshot a : accounts) {
            for (AccountConnection.State s : AccountConnection.State.values()) {
                connection.labels(a.account(), stateName(s)).set(a.state() == s ? 1 : 0);
            }
            connectFailures.labels(a.account()).set(a.failures());
            accountUp.labels(a.account()).set(a.up() ? 1 : 0);
        }
        return registry.scrape() + runtime.scrape();
    }

    public static String stateName(AccountConnection.State s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
