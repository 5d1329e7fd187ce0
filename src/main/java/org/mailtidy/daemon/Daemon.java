package org.mailtidy.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mailtidy.cluster.ClusterException;
import org.mailtidy.cluster.ClusterNode;
import org.mailtidy.config.ConfigError;
import org.mailtidy.config.ConfigException;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.StateDir;
import org.mailtidy.http.HttpEndpoints;
import org.mailtidy.push.Push;
import org.mailtidy.push.PushOptions;
import org.mailtidy.schedule.AccountLanes;
import org.mailtidy.schedule.ConnectionPool;
import org.mailtidy.schedule.DaemonMetrics;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.schedule.Firings;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.QuartzJobs;
import org.mailtidy.schedule.RunLedger;
import org.mailtidy.schedule.RunServices;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mailtidy run}: schedules every rule and runs until stopped. SIGHUP and a change of the
 * file reload it (an invalid file keeps the running configuration); SIGTERM/SIGINT stop firing, let
 * the runs in progress finish within the grace period, close the connections and return 0.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final ConfigFile configFile;
    private final DaemonOptions options;
    private final AccountRun.Connector connector;
    private final Clock clock;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final RunLedger ledger = new RunLedger();
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final ExecutorService reloader = Executors.newSingleThreadExecutor(Push.daemonThreads("reload"));
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(Push.daemonThreads("idle-close"));
    private final ConnectionPool pool;
    private final AccountLanes lanes = new AccountLanes("run", AccountLanes.maxThreadsFromSystemProperties());
    private final Firings firings;
    private final Status status;
    private final Push push;
    private volatile boolean stopping;
    private boolean stopped;
    private volatile ReloadOutcome lastReload;
    private QuartzJobs quartz;
    private ClusterNode cluster;
    private ConfigWatcher watcher;
    private final DaemonHttp http = new DaemonHttp(this);
    private final SchedulerSwitch schedulerSwitch;
    private Instant anchor;

    /** How the last reload went, for {@code /status}. */
    record ReloadOutcome(Instant at, String trigger, boolean ok, List<String> errors) {
    }

    /** The service: timings from system properties, state kept in {@code state} (if any). */
    public Daemon(Path configFile, Optional<StateDir> state) {
        this(configFile, DaemonOptions.fromSystemProperties(), PushOptions.fromSystemProperties(), Connections::open,
                Clock.systemUTC(), state);
    }

    /** For tests and embedding: other timings, another way to connect, another clock. */
    public Daemon(Path configFile, DaemonOptions options, AccountRun.Connector connector, Clock clock) {
        this(configFile, options, PushOptions.fromSystemProperties(), connector, clock);
    }

    /** The same with other push timings and limits. */
    public Daemon(Path configFile, DaemonOptions options, PushOptions pushOptions, AccountRun.Connector connector,
                  Clock clock) {
        this(configFile, options, pushOptions, connector, clock, Optional.empty());
    }

    /** The same, keeping caches and journals in {@code state}. */
    public Daemon(Path configFile, DaemonOptions options, PushOptions pushOptions, AccountRun.Connector connector,
                  Clock clock, Optional<StateDir> state) {
        this.configFile = new ConfigFile(configFile, clock, state);
        this.options = options;
        // a refused master login is tried again after the longest back-off, by then perhaps fixed
        this.connector = new org.mailtidy.engine.MasterLogins(clock, options.backoff().max()).guard(connector);
        this.clock = clock;
        this.pool = new ConnectionPool(this.connector, options.backoff(), clock);
        RunServices services = new RunServices(current::get, pool, metrics, () -> stopping, clock, lanes);
        this.firings = new Firings(services, ledger);
        this.status = new Status(current::get, ledger, pool, () -> quartz, () -> cluster, () -> lastReload, options,
                clock);
        this.push = new Push(services, options.backoff(), pushOptions, this.connector);
        this.schedulerSwitch = new SchedulerSwitch(() -> quartz, metrics, () -> stopping);
    }

    /** Runs until SIGTERM/SIGINT; returns the exit status (0 after a clean stop). */
    public int runUntilStopped() throws ConfigException, IOException, SchedulerException, InterruptedException,
            ClusterException {
        start();
        Signals.install(this::requestStop, () -> requestReload("SIGHUP"));
        stopRequested.await();
        return stop();
    }

    /** Loads the file, starts the scheduler, the file watcher and the HTTP endpoints; returns at once. */
    public synchronized void start() throws ConfigException, IOException, SchedulerException, ClusterException {
        Loaded loaded = configFile.load(current.get());
        Instant now = clock.instant();
        if (loaded.config().cluster().isPresent()) {
            cluster = ClusterNode.start(loaded.config().cluster().get(), options.clusterCheckin());
            java.util.Properties quartzProperties = cluster.quartzProperties();
            // in a cluster a job lasts as long as its run; a node whose threads are all busy leaves
            // the due triggers to the other nodes
            quartzProperties.setProperty("org.quartz.threadPool.threadCount",
                    Integer.toString(AccountLanes.maxThreadsFromSystemProperties() + QuartzJobs.QUARTZ_THREADS));
            quartz = new QuartzJobs(firings, quartzProperties);
            firings.claimWith(cluster.claims());
            anchor = cluster.anchor(now);
        } else {
            quartz = new QuartzJobs(firings);
            anchor = now;
        }
        apply(loaded, anchor);
        if (cluster == null || !cluster.older()) {
            quartz.start();
            metrics.schedulerRunning(true);
        }
        if (cluster != null) {
            long every = cluster.checkPeriod().toMillis();
            housekeeping.scheduleWithFixedDelay(this::checkCluster, every, every, TimeUnit.MILLISECONDS);
        }
        watcher = ConfigWatcher.start(configFile.path(), options.watchDebounce(), () -> requestReload("file changed"));
        long every = Math.max(1000, Math.min(30_000, options.idleClose().toMillis() / 2));
        housekeeping.scheduleWithFixedDelay(() -> pool.closeIdle(options.idleClose()), every, every,
                TimeUnit.MILLISECONDS);
        LOG.info("mailtidy running with {}: {} jobs for {} accounts", configFile.path(), loaded.plan().jobs().size(),
                loaded.config().accounts().size());
    }

    private synchronized void checkCluster() {
        if (stopping) {
            return;
        }
        Loaded loaded = current.get();
        try {
            cluster.check(loaded, () -> quartz.apply(loaded.plan(), loaded.config().defaults().timezone(), anchor,
                    clock.instant()), schedulerSwitch);
        } catch (SchedulerException | RuntimeException e) {
            LOG.error("cluster check: {}", e.toString(), e);
        }
    }

    /** Asks {@link #runUntilStopped()} to stop; safe from a signal handler. */
    public void requestStop() {
        stopping = true;
        stopRequested.countDown();
    }

    /**
     * Reloads the file in the background (one reload at a time). A SIGHUP always reloads; a file
     * change only if the content differs from the running configuration.
     */
    public Future<?> requestReload(String trigger) {
        return reloader.submit(() -> reload(trigger));
    }

    /** Stops firing, waits for runs in progress (at most the grace period), closes everything; returns 0. */
    public int stop() throws InterruptedException {
        synchronized (this) {
            if (stopped) {
                return 0;
            }
            stopped = true;
        }
        stopping = true;
        stopRequested.countDown();
        LOG.info("stopping: no new runs; waiting up to {}s for runs in progress", options.stopGrace().toSeconds());
        synchronized (this) {
            closeQuietly(watcher);
            reloader.shutdownNow();
            housekeeping.shutdownNow();
            try {
                if (quartz != null) {
                    quartz.standby();
                }
            } catch (SchedulerException e) {
                LOG.warn("pausing the scheduler: {}", e.toString());
            }
            metrics.schedulerRunning(false);
        }
        Instant deadline = clock.instant().plus(options.stopGrace());
        push.stop(options.stopGrace());
        Duration graceLeft = Duration.between(clock.instant(), deadline);
        if (!firings.awaitIdle(graceLeft.isNegative() ? Duration.ZERO : graceLeft)) {
            LOG.warn("a run was still in progress after {}s; abandoning it: a run cut off before its expunge leaves"
                    + " only flags, and the next run derives the same changes again", options.stopGrace().toSeconds());
        }
        synchronized (this) {
            try {
                if (quartz != null) {
                    quartz.shutdown();
                }
            } catch (SchedulerException e) {
                LOG.warn("shutting the scheduler down: {}", e.toString());
            }
            Duration left = Duration.between(clock.instant(), deadline);
            pool.shutdown(left.isNegative() ? Duration.ZERO : left);
            // the runs still queued see that the daemon stops and return at once, releasing whoever waits for them
            List<Runnable> dropped = lanes.shutdown();
            if (!dropped.isEmpty()) {
                Thread drain = new Thread(() -> dropped.forEach(Runnable::run), "run-dropped");
                drain.setDaemon(true);
                drain.start();
            }
            closeQuietly(cluster);
            http.close();
        }
        LOG.info("stopped");
        return 0;
    }

    public HttpEndpoints.Health health() {
        return status.health(!stopping && quartz != null && quartz.running());
    }

    public String statusJson() {
        return status.json();
    }

    public String statusHtml() {
        return status.html();
    }

    public String metrics() {
        return metrics.scrape(pool.snapshots(), lanes) + push.metrics();
    }

    private void reload(String trigger) {
        Loaded loaded;
        try {
            if (trigger.equals("file changed") && configFile.unchangedFrom(current.get())) {
                return;
            }
            loaded = configFile.load(current.get());
        } catch (ConfigException e) {
            lastReload = new ReloadOutcome(clock.instant(), trigger, false,
                    e.errors().stream().map(ConfigError::toString).toList());
            metrics.reload(false);
            LOG.error("reload ({}): {} is invalid; keeping the running configuration. {}", trigger, configFile.path(),
                    e.errors().size() == 1 ? "1 error:" : e.errors().size() + " errors:");
            for (ConfigError error : e.errors()) {
                LOG.error("{}", error);
            }
            return;
        }
        synchronized (this) {
            if (stopping) {
                return;
            }
            try {
                apply(loaded, clock.instant());
            } catch (IOException e) {
                LOG.error("reload ({}): http.listen {}: cannot listen ({}); /metrics, /healthz and /status are off",
                        trigger, loaded.config().http().orElse(null), e.toString());
            } catch (SchedulerException | RuntimeException e) {
                LOG.error("reload ({}): applying the new configuration failed: {}", trigger, e.toString(), e);
                return;
            }
        }
        lastReload = new ReloadOutcome(clock.instant(), trigger, true, List.of());
        metrics.reload(true);
        LOG.info("reloaded {} ({}): {} jobs for {} accounts", configFile.path(), trigger, loaded.plan().jobs().size(),
                loaded.config().accounts().size());
    }

    /**
     * Makes {@code loaded} the running configuration: accounts, jobs and triggers, HTTP address. At
     * start ({@code now} = the anchor) every {@code every} schedule fires at once.
     */
    private void apply(Loaded loaded, Instant now) throws SchedulerException, IOException {
        current.set(loaded);
        pool.reconfigure(loaded.config().accounts());
        lanes.sizeFor(loaded.config().accounts().size());
        if (cluster == null) {
            if (loaded.config().cluster().isPresent()) {
                LOG.warn("the file now has a cluster block; restart mailtidy to join the cluster");
            }
            quartz.apply(loaded.plan(), loaded.config().defaults().timezone(), anchor, now);
        } else {
            if (!loaded.config().cluster().equals(Optional.of(cluster.settings()))) {
                LOG.warn("the file's cluster block changed; this node stays on {} until it is restarted",
                        cluster.settings().displayUrl());
            }
            cluster.reconcile(loaded, () -> quartz.apply(loaded.plan(), loaded.config().defaults().timezone(), anchor,
                    now), schedulerSwitch);
        }
        push.apply(loaded);
        metrics.retain(loaded.config());
        if (loaded.plan().isEmpty() && loaded.plan().arrivalOnlyRules().isEmpty()) {
            LOG.warn("no enabled rule has a schedule or on: arrival: nothing to run");
        }
        http.bind(loaded.config().http());
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", c, e.toString());
            }
        }
    }
}
