package org.mailtidy.push;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.http.MetricsRegistry;
import org.mailtidy.schedule.Backoff;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.RunServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push ({@code on: arrival}): an {@link AccountWatch} per account with arrival rules, and the
 * {@link ArrivalRuns} that run those rules on new mail. A reload restarts only the watches of accounts
 * whose settings or arrival mailboxes changed; the watermarks survive it, so nothing is handled twice
 * and mail that arrived during the restart is caught up.
 */
public final class Push {
    private static final Logger LOG = LoggerFactory.getLogger(Push.class);
    /** Watching connections (threads) of all accounts together, within systemd's TasksMax=256. */
    static final int CONNECTION_BUDGET = 64;

    private final AccountRun.Connector connector;
    private final Backoff backoff;
    private final PushOptions options;
    private final ArrivalRuns runs;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            daemonThreads("push-poll"));
    private final Map<String, AccountWatch> watches = new HashMap<>();
    private final Map<String, Account> watchedAccounts = new HashMap<>();
    private final Map<String, Integer> watchedCaps = new HashMap<>();
    private final MetricsRegistry registry = new MetricsRegistry();
    private final MetricsRegistry.Gauge watched = registry.gauge("mailtidy_push_mailboxes",
            "Arrival mailboxes by how they are watched now (notify, idle, poll); one reconnecting is not counted",
            "account", "mode");
    private final MetricsRegistry.Gauge connections = registry.gauge("mailtidy_push_connections",
            "Open connections watching for new mail", "account");
    private final MetricsRegistry.Counter reconnects = registry.counter("mailtidy_push_reconnects_total",
            "Times a watching connection failed and was opened again", "account");
    /** What each watch had counted at the last scrape: the counter goes on across a watch's restart. */
    private final Map<AccountWatch, Long> reconnectsCounted = new java.util.IdentityHashMap<>();
    private boolean stopped;
    private int unwatchedWarnedFor;

    public Push(RunServices services, Backoff backoff, PushOptions options, AccountRun.Connector connector) {
        this.connector = connector;
        this.backoff = backoff;
        this.options = options;
        this.runs = new ArrivalRuns(services, options);
    }

    /** Starts, restarts and stops account watches to match the configuration. */
    public synchronized void apply(Loaded loaded) {
        if (stopped) {
            return;
        }
        ArrivalPlan plan = watchable(ArrivalPlan.of(loaded.config()));
        int cap = connectionsPerAccount(options.maxConnections(), plan.patternsByAccount().size());
        for (String id : List.copyOf(watches.keySet())) {
            Account now = loaded.config().accounts().get(id);
            List<String> patterns = plan.patternsByAccount().get(id);
            if (now == null || patterns == null || !now.equals(watchedAccounts.get(id))
                    || !patterns.equals(watches.get(id).patterns()) || !Integer.valueOf(cap).equals(watchedCaps.get(id))) {
                watches.remove(id).stop();
                watchedAccounts.remove(id);
                watchedCaps.remove(id);
            }
        }
        plan.patternsByAccount().forEach((id, patterns) -> {
            if (!watches.containsKey(id)) {
                Account account = loaded.config().account(id);
                AccountWatch w = new AccountWatch(account, patterns, connector, options.withMaxConnections(cap),
                        backoff, runs, poller);
                watches.put(id, w);
                watchedAccounts.put(id, account);
                watchedCaps.put(id, cap);
                w.start();
            }
        });
        if (!plan.patternsByAccount().isEmpty()) {
            LOG.debug("push: watching {}", plan.patternsByAccount());
        }
    }

    /**
     * At most {@link #CONNECTION_BUDGET} accounts are watched (each needs a connection and a thread):
     * a rule with {@code on: arrival} for a group of thousands of users would otherwise open as many.
     * The accounts first in the file (a group's users in the list's order) are watched; the others'
     * arrival rules run only at their schedules, and a warning says how many.
     */
    private ArrivalPlan watchable(ArrivalPlan plan) {
        int accounts = plan.patternsByAccount().size();
        if (accounts <= CONNECTION_BUDGET) {
            return plan;
        }
        if (accounts != unwatchedWarnedFor) {
            unwatchedWarnedFor = accounts;
            LOG.warn("push: {} accounts have on: arrival rules; {} are watched, the arrival rules of the other {}"
                    + " run only at their schedules (push needs a connection per account)", accounts,
                    CONNECTION_BUDGET, accounts - CONNECTION_BUDGET);
        }
        return firstAccounts(plan, CONNECTION_BUDGET);
    }

    /** The plan of the first {@code n} accounts. */
    static ArrivalPlan firstAccounts(ArrivalPlan plan, int n) {
        Map<String, List<String>> first = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : plan.patternsByAccount().entrySet()) {
            if (first.size() == n) {
                break;
            }
            first.put(e.getKey(), e.getValue());
        }
        return new ArrivalPlan(first);
    }

    /**
     * Watching connections per account (each is a thread): the configured number, lowered when
     * many accounts watch so that all of them together stay near {@link #CONNECTION_BUDGET}, and
     * never below one (mailboxes beyond it are polled).
     */
    static int connectionsPerAccount(int configured, int accounts) {
        return Math.max(1, Math.min(configured, CONNECTION_BUDGET / Math.max(1, accounts)));
    }

    /** Ends every watch and waits at most {@code wait} for watches and arrival runs to finish. */
    public void stop(Duration wait) throws InterruptedException {
        List<AccountWatch> all;
        synchronized (this) {
            stopped = true;
            all = List.copyOf(watches.values());
            watches.clear();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        all.forEach(AccountWatch::stop);
        poller.shutdownNow();
        runs.shutdown(wait);
        for (AccountWatch w : all) {
            w.join(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        }
    }

    ArrivalRuns runs() {
        return runs;
    }

    synchronized Map<AccountWatch.Mode, Integer> watched(String account) {
        AccountWatch w = watches.get(account);
        return w == null ? Map.of() : w.watched();
    }

    public synchronized String metrics() {
        for (AccountWatch w : watches.values()) {
            w.watched().forEach((mode, n) -> watched.labels(w.accountId(),
                    mode.name().toLowerCase(java.util.Locale.ROOT)).set(n));
            connections.labels(w.accountId()).set(w.connections());
            long now = w.reconnects();
            Long before = reconnectsCounted.put(w, now);
            reconnects.labels(w.accountId()).inc(now - (before == null ? 0 : before));
        }
        reconnectsCounted.keySet().retainAll(watches.values());
        java.util.function.Predicate<List<String>> watchedAccount = l -> watches.containsKey(l.get(0));
        watched.retain(watchedAccount);
        connections.retain(watchedAccount);
        reconnects.retain(watchedAccount);
        return registry.scrape();
    }

    public static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
