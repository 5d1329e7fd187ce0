package org.mailtidy.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.mailtidy.cluster.ClusterNode;
import org.mailtidy.engine.RunResult;
import org.mailtidy.http.HttpEndpoints;
import org.mailtidy.http.JsonWriter;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.schedule.AccountConnection;
import org.mailtidy.schedule.ConnectionPool;
import org.mailtidy.schedule.DaemonMetrics;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.schedule.JobPlan;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.QuartzJobs;
import org.mailtidy.schedule.RunLedger;
import org.quartz.JobKey;

/**
 * {@code /healthz}, {@code /status} and the status page: read from the ledger, the connections and
 * the scheduler.
 */
final class Status {
    private final Supplier<Loaded> current;
    private final RunLedger ledger;
    private final ConnectionPool pool;
    private final Supplier<QuartzJobs> quartz;
    private final Supplier<ClusterNode> cluster;
    private final Supplier<Daemon.ReloadOutcome> lastReload;
    private final DaemonOptions options;
    private final Clock clock;

    Status(Supplier<Loaded> current, RunLedger ledger, ConnectionPool pool, Supplier<QuartzJobs> quartz,
           Supplier<ClusterNode> cluster, Supplier<Daemon.ReloadOutcome> lastReload, DaemonOptions options,
           Clock clock) {
        this.current = current;
        this.ledger = ledger;
        this.pool = pool;
        this.quartz = quartz;
        this.cluster = cluster;
        this.lastReload = lastReload;
        this.options = options;
        this.clock = clock;
    }

    /**
     * Healthy while the scheduler fires. An account that cannot connect or whose runs fail does not
     * make the process unhealthy (a restart would not mend a broken server and would stop the good
     * accounts): it shows as {@code mailtidy_account_up{account} 0} and with its reason in
     * {@code /status}.
     */
    HttpEndpoints.Health health(boolean schedulerRunning) {
        return schedulerRunning ? HttpEndpoints.Health.healthy()
                : HttpEndpoints.Health.unhealthy("the scheduler is not running");
    }

    /** Everything the status shows, read now. */
    StatusReport report() {
        Loaded loaded = current.get();
        QuartzJobs q = quartz.get();
        ClusterNode node = cluster.get();
        Map<JobKey, List<QuartzJobs.TriggerInfo>> triggers = q == null ? Map.of() : q.triggers();
        List<StatusReport.JobReport> jobs = new ArrayList<>();
        if (loaded != null) {
            for (JobPlan.Job job : loaded.plan().jobs()) {
                List<QuartzJobs.TriggerInfo> t = triggers.getOrDefault(QuartzJobs.jobKey(job), List.of());
                Optional<Instant> next = t.stream().map(QuartzJobs.TriggerInfo::nextFireTime).filter(Objects::nonNull)
                        .min(Instant::compareTo);
                jobs.add(new StatusReport.JobReport(job, t, next, ledger.matching(job.account(), job.pattern())));
            }
        }
        return new StatusReport(clock.instant(), q != null && q.running(), Optional.ofNullable(loaded),
                Optional.ofNullable(lastReload.get()), Optional.ofNullable(node).map(ClusterNode::summary),
                pool.snapshots(), jobs);
    }

    String json() {
        StatusReport report = report();
        JsonWriter w = new JsonWriter().beginObject();
        w.field("scheduler", report.schedulerRunning() ? "running" : "stopped");
        Loaded loaded = report.loaded().orElse(null);
        w.name("config").beginObject().field("file", loaded == null ? null : loaded.config().file().toString())
                .field("loaded_at", loaded == null ? null : loaded.loadedAt());
        report.lastReload().ifPresent(r -> {
            w.name("last_reload").beginObject().field("at", r.at()).field("trigger", r.trigger()).field("ok", r.ok())
                    .name("errors").beginArray();
            r.errors().forEach(w::value);
            w.endArray().endObject();
        });
        w.endObject();
        ClusterNode node = cluster.get();
        if (node != null) {
            node.status(w);
        }
        w.name("accounts").beginArray();
        for (AccountConnection.Snapshot a : report.accounts()) {
            w.beginObject().field("account", a.account()).field("up", a.up()).field("reason", a.reason())
                    .field("connection", DaemonMetrics.stateName(a.state()))
                    .field("failing_since", a.failingSince()).field("failed_attempts", a.failures())
                    .field("next_attempt", a.nextAttempt()).field("last_error", a.lastError())
                    .field("last_used", a.lastUsed()).field("last_run_error", a.lastRunError())
                    .field("last_run_at", a.lastRunAt()).endObject();
        }
        w.endArray();
        w.name("jobs").beginArray();
        report.jobs().forEach(job -> job(w, job));
        w.endArray();
        return w.endObject().toString();
    }

    /** The status page: {@code GET /}. */
    String html() {
        return StatusPage.render(report());
    }

    private void job(JsonWriter w, StatusReport.JobReport report) {
        JobPlan.Job job = report.job();
        w.beginObject().field("account", job.account()).field("mailbox", job.pattern());
        w.field("next_fire_time", report.nextFireTime().orElse(null));
        w.name("triggers").beginArray();
        for (QuartzJobs.TriggerInfo t : report.triggers()) {
            w.beginObject().field("schedule", t.schedule()).field("next_fire_time", t.nextFireTime()).endObject();
        }
        w.endArray();
        w.name("mailboxes").beginArray();
        for (RunLedger.Entry e : report.mailboxes()) {
            mailbox(w, e);
        }
        w.endArray();
        w.endObject();
    }

    private static void mailbox(JsonWriter w, RunLedger.Entry e) {
        w.beginObject().field("mailbox", e.mailbox()).field("running_since", e.runningSince())
                .field("last_success", e.lastSuccess());
        RunResult r = e.lastResult();
        if (r != null) {
            w.name("last_run").beginObject().field("started", e.lastStarted())
                    .field("status", r.ok() ? "ok" : "failed").field("duration_ms", r.duration().toMillis())
                    .field("messages", r.messages()).field("error", r.error().orElse(null));
            w.name("rules").beginArray();
            for (RuleStats s : r.ruleStats()) {
                w.beginObject().field("rule", s.rule()).field("matched", s.matched())
                        .field("flags_changed", s.flagsChanged()).field("copied", s.copied()).field("moved", s.moved())
                        .field("deleted", s.deleted()).endObject();
            }
            w.endArray();
            w.name("notes").beginArray();
            r.notes().forEach(w::value);
            w.endArray().endObject();
        }
        w.endObject();
    }
}
