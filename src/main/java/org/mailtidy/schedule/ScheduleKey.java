package org.mailtidy.schedule;

import java.util.List;
import org.mailtidy.config.Schedule;

/**
 * Identifies a schedule by what it means, not how it is written: {@code every 60s} and
 * {@code every 1m} are one schedule, so rules written either way run in the same mailbox run.
 *
 * @param id   the canonical form (interval in milliseconds, or the Quartz expressions)
 * @param text the schedule as first written in the file, for people
 */
public record ScheduleKey(String id, String text) {

    public static ScheduleKey of(Schedule schedule) {
        if (schedule instanceof Schedule.Every e) {
            return new ScheduleKey("every " + e.interval().toMillis() + "ms", e.text());
        }
        List<String> expressions = ((Schedule.Cron) schedule).quartzExpressions();
        return new ScheduleKey("cron " + String.join(" | ", expressions), schedule.text());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScheduleKey k && k.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
