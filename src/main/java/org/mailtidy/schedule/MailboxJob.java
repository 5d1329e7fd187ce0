package org.mailtidy.schedule;

import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.SchedulerException;

/**
 * The Quartz job of one (account, mailbox pattern): group = account, name = pattern. Quartz never
 * runs one job key twice at once, so a pattern's firings queue instead of overlapping.
 */
@DisallowConcurrentExecution
public final class MailboxJob implements Job {
    /** Scheduler-context key of the {@link Firings}. */
    static final String FIRINGS = "mailtidy.firings";
    /** Trigger-data key of the schedule id ({@link ScheduleKey#id()}). */
    static final String SCHEDULE = "schedule";
    /** Trigger-data key of a retry's original due time (epoch milliseconds, as a string: the JDBC store keeps strings). */
    static final String DUE = "due";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobKey key = context.getJobDetail().getKey();
        try {
            Firings firings = (Firings) context.getScheduler().getContext().get(FIRINGS);
            var data = context.getMergedJobDataMap();
            Instant due = data.containsKey(DUE) ? Instant.ofEpochMilli(data.getLongValue(DUE))
                    : context.getScheduledFireTime().toInstant();
            firings.fire(key.getGroup(), key.getName(), data.getString(SCHEDULE), due, context.isRecovering());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
