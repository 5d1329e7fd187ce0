package org.mailtidy.schedule;

import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.SchedulerException;

/**
 * The Quartz job of one (account, mailbox pattern): group = account, name = pattern. It hands the
 * firing to the account's lane ({@link Firings#fire}); the lane runs one firing of the account at a
 * time, and a firing of the same job and schedule that still waits covers a new one. On one node
 * the job returns at once; in a cluster it waits for the run, so that Quartz recovers the firing
 * on another node if this one dies.
 */
@DisallowConcurrentExecution
public final class MailboxJob implements Job {
    /** Scheduler-context key of the {@link Firings}. */
    static final String FIRINGS = "mailtidy.firings";
    /** Trigger-data key of the schedule id ({@link ScheduleKey#id()}). */
    static final String SCHEDULE = "schedule";
    /** Trigger-data key of a retry's original due time (epoch milliseconds, as a string: the JDBC store keeps strings). */
    static final String DUE = "due";
    /** Trigger-data key of the account's spread ({@link Jitter}) of a crontab schedule, in milliseconds. */
    static final String JITTER = "jitter";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobKey key = context.getJobDetail().getKey();
        try {
            Firings firings = (Firings) context.getScheduler().getContext().get(FIRINGS);
            var data = context.getMergedJobDataMap();
            Instant due = data.containsKey(DUE) ? Instant.ofEpochMilli(data.getLongValue(DUE))
                    : context.getScheduledFireTime().toInstant();
            if (data.containsKey(JITTER) && !data.containsKey(DUE)) {
                QuartzJobs.spread(context.getScheduler(), key, data.getString(SCHEDULE), due,
                        due.plusMillis(data.getLongValue(JITTER)));
                return;
            }
            var done = firings.fire(key.getGroup(), key.getName(), data.getString(SCHEDULE), due,
                    context.isRecovering());
            if (firings.jobsWaitForRuns()) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new JobExecutionException(e.getCause());
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
