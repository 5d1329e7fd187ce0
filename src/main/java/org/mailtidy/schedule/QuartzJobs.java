package org.mailtidy.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailtidy.config.Schedule;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * The Quartz scheduler (in-memory job store, or in a cluster the database's) and its jobs and
 * triggers, kept in step with a {@link JobPlan}. A reload applies the new plan as a difference:
 * unchanged triggers stay (and keep their phase), and a job that is running is never interrupted.
 * Applying the same plan twice changes nothing, so cluster nodes with the same file never fight.
 */
public final class QuartzJobs {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QuartzJobs.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final AtomicInteger RETRIES = new AtomicInteger();
    /**
     * A firing later than this counts as missed and follows the trigger's misfire instruction
     * (fire once now); a shorter delay just fires late.
     */
    static final Duration MISFIRE_THRESHOLD = Duration.ofSeconds(10);

    /** A trigger as shown by {@code /status}. */
    public record TriggerInfo(String schedule, Instant nextFireTime) {
    }

    public static final int QUARTZ_THREADS = 2;

    /** Trigger names of retries start with this; a reload leaves them alone. */
    static final String RETRY = "retry ";
    /** Trigger names of a crontab firing put off by the account's {@link Jitter} start with this; a reload leaves them alone. */
    static final String SPREAD = "spread ";

    private final Scheduler scheduler;

    public QuartzJobs(Firings firings) throws SchedulerException {
        this(firings, inMemory());
    }

    /** {@code properties}: the job store and scheduler names ({@link #inMemory()}, {@code cluster.ClusterNode.quartzProperties}). */
    public QuartzJobs(Firings firings, Properties properties) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        // a job only hands its firing to the account's lane (AccountLanes), so a few threads suffice
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(QUARTZ_THREADS));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(MISFIRE_THRESHOLD.toMillis()));
        p.putAll(properties);
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getContext().put(MailboxJob.FIRINGS, firings);
        if (firings != null) {
            firings.retryWith(this::retry);
        }
    }

    private static Properties inMemory() {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "mailtidy-" + INSTANCES.incrementAndGet());
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return p;
    }

    /**
     * Fires the job once more at {@code at} for the firing due at {@code due}. One pending retry
     * per job and schedule: a later failure keeps the earlier retry and its due time.
     */
    void retry(String account, String pattern, String scheduleId, Instant due, Instant at) {
        String prefix = RETRY + pattern + " @ " + scheduleId;
        JobKey job = JobKey.jobKey(pattern, account);
        try {
            if (!scheduler.checkExists(job)) {
                return;
            }
            for (Trigger t : scheduler.getTriggersOfJob(job)) {
                // the retry that is firing now has no next fire time; a pending one has
                if (t.getKey().getName().startsWith(prefix) && t.getNextFireTime() != null) {
                    return;
                }
            }
            // unique in a cluster too: another node may schedule a retry of the same job
            TriggerKey key = TriggerKey.triggerKey(prefix + " #" + scheduler.getSchedulerInstanceId() + "-"
                    + RETRIES.incrementAndGet(), account);
            scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(job)
                    .usingJobData(MailboxJob.SCHEDULE, scheduleId)
                    .usingJobData(MailboxJob.DUE, Long.toString(due.toEpochMilli()))
                    .withDescription("retry of the run due at " + due).startAt(Date.from(at))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build());
        } catch (SchedulerException e) {
            LOG.warn("{} {}: cannot schedule a retry: {}", account, pattern, e.toString());
        }
    }

    public void start() throws SchedulerException {
        scheduler.start();
    }

    public boolean running() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops firing; runs in progress go on. */
    public void standby() throws SchedulerException {
        scheduler.standby();
    }

    /** Ends the scheduler without waiting for runs (the daemon waited for them already). */
    public void shutdown() throws SchedulerException {
        scheduler.shutdown(false);
    }

    /**
     * Makes the jobs and triggers those of {@code plan}. {@code anchor} is the daemon's start: an
     * {@code every} schedule fires at anchor + n × interval, so triggers of one interval fire
     * together whichever reload made them (and a mailbox two patterns name runs once).
     */
    public void apply(JobPlan plan, ZoneId zone, Instant anchor, Instant now) throws SchedulerException {
        Map<JobKey, JobDetail> jobs = new LinkedHashMap<>();
        Map<TriggerKey, Trigger> triggers = new LinkedHashMap<>();
        for (JobPlan.Job job : plan.jobs()) {
            // recovery: if a cluster node dies during the run, another node runs it again (runs are idempotent)
            JobDetail detail = JobBuilder.newJob(MailboxJob.class).withIdentity(jobKey(job)).storeDurably()
                    .requestRecovery(true).withDescription(job.account() + " " + job.pattern()).build();
            jobs.put(detail.getKey(), detail);
            for (Trigger t : triggers(job, zone, anchor, now)) {
                triggers.put(t.getKey(), t);
            }
        }
        for (JobKey existing : scheduler.getJobKeys(GroupMatcher.anyJobGroup())) {
            if (!jobs.containsKey(existing)) {
                scheduler.deleteJob(existing);
            }
        }
        for (JobDetail detail : jobs.values()) {
            if (!scheduler.checkExists(detail.getKey())) {
                scheduler.addJob(detail, false);
            }
        }
        for (TriggerKey existing : scheduler.getTriggerKeys(GroupMatcher.anyTriggerGroup())) {
            if (!triggers.containsKey(existing) && !existing.getName().startsWith(RETRY)
                    && !existing.getName().startsWith(SPREAD)
                    && !existing.getGroup().equals(Scheduler.DEFAULT_RECOVERY_GROUP)) {
                scheduler.unscheduleJob(existing);
            }
        }
        for (Trigger t : triggers.values()) {
            if (!scheduler.checkExists(t.getKey())) {
                scheduler.scheduleJob(t);
            }
        }
    }

    public static JobKey jobKey(JobPlan.Job job) {
        return JobKey.jobKey(job.pattern(), job.account());
    }

    /** One trigger per schedule; a crontab line that needs two Quartz expressions gets two. */
    static List<Trigger> triggers(JobPlan.Job job, ZoneId zone, Instant anchor, Instant now) {
        return triggers(job, zone, anchor, now, Jitter.max());
    }

    /**
     * With the users of a group spread over up to {@code jitterMax} ({@link Jitter}): an {@code every}
     * schedule's grid is shifted by the account's offset; a crontab firing hands itself on to a one-shot
     * trigger at the offset ({@link MailboxJob}), so both survive in a cluster's job store.
     */
    static List<Trigger> triggers(JobPlan.Job job, ZoneId zone, Instant anchor, Instant now, Duration jitterMax) {
        List<Trigger> out = new ArrayList<>();
        job.schedules().forEach((key, schedule) -> out.addAll(schedule.match(every -> {
            long interval = every.interval().toMillis();
            Instant shifted = anchor.plus(Jitter.of(job.account(), every.interval(), jitterMax));
            return List.of(base(job, key, key.id()).startAt(Date.from(nextOnGrid(shifted, interval, now)))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval)
                            .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                    .build());
        }, cron -> {
            List<String> expressions = cron.quartzExpressions();
            Duration jitter = Jitter.of(job.account(), period(cron, now, zone), jitterMax);
            List<Trigger> triggers = new ArrayList<>();
            for (int i = 0; i < expressions.size(); i++) {
                TriggerBuilder<Trigger> b = base(job, key, key.id() + " #" + i + " " + zone.getId());
                if (!jitter.isZero()) {
                    b.usingJobData(MailboxJob.JITTER, Long.toString(jitter.toMillis()));
                }
                triggers.add(b.startAt(Date.from(now))
                        .withSchedule(CronScheduleBuilder.cronSchedule(expressions.get(i))
                                .inTimeZone(TimeZone.getTimeZone(zone))
                                .withMisfireHandlingInstructionFireAndProceed())
                        .build());
            }
            return triggers;
        })));
        return out;
    }

    private static TriggerBuilder<Trigger> base(JobPlan.Job job, ScheduleKey key, String name) {
        return TriggerBuilder.newTrigger().withIdentity(job.pattern() + " @ " + name, job.account())
                .forJob(jobKey(job)).usingJobData(MailboxJob.SCHEDULE, key.id()).withDescription(key.text());
    }

    /** The shortest time between a crontab line's next few firings: what its spread is measured against. */
    private static Duration period(Schedule schedule, Instant now, ZoneId zone) {
        List<java.time.ZonedDateTime> next = schedule.nextFireTimes(now.atZone(zone), 4, zone);
        Duration shortest = Duration.ofDays(366);
        for (int i = 1; i < next.size(); i++) {
            Duration d = Duration.between(next.get(i - 1), next.get(i));
            if (d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        return shortest;
    }

    /**
     * Puts off a crontab firing of {@code account} to {@code at}, as a one-shot trigger that carries
     * the firing's due time; the firing itself does nothing more.
     */
    static void spread(Scheduler scheduler, JobKey job, String scheduleId, Instant due, Instant at)
            throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(SPREAD + job.getName() + " @ " + scheduleId + " due " + due.toEpochMilli(),
                job.getGroup());
        if (scheduler.checkExists(key)) {
            return; // another node of the cluster has put this firing off already
        }
        try {
            scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(job)
                    .usingJobData(MailboxJob.SCHEDULE, scheduleId)
                    .usingJobData(MailboxJob.DUE, Long.toString(due.toEpochMilli()))
                    .withDescription("the run due at " + due + ", spread to " + at).startAt(Date.from(at))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build());
        } catch (org.quartz.ObjectAlreadyExistsException e) {
            // the same, from another node
        }
    }

    /** The first instant anchor + n × interval (n ≥ 0) that is not before {@code now}. */
    static Instant nextOnGrid(Instant anchor, long intervalMillis, Instant now) {
        long since = now.toEpochMilli() - anchor.toEpochMilli();
        if (since <= 0) {
            return anchor;
        }
        long n = (since + intervalMillis - 1) / intervalMillis;
        return anchor.plusMillis(n * intervalMillis);
    }

    /** Each job's triggers with their next fire times, for {@code /status}. */
    public Map<JobKey, List<TriggerInfo>> triggers() {
        Map<JobKey, List<TriggerInfo>> out = new LinkedHashMap<>();
        try {
            Set<JobKey> keys = scheduler.getJobKeys(GroupMatcher.anyJobGroup());
            for (JobKey k : keys) {
                List<TriggerInfo> infos = new ArrayList<>();
                for (Trigger t : scheduler.getTriggersOfJob(k)) {
                    infos.add(new TriggerInfo(t.getDescription(),
                            Optional.ofNullable(t.getNextFireTime()).map(Date::toInstant).orElse(null)));
                }
                out.put(k, infos);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("reading the scheduler's triggers", e);
        }
        return out;
    }

    int triggerCount() throws SchedulerException {
        return scheduler.getTriggerKeys(GroupMatcher.anyTriggerGroup()).size();
    }
}
