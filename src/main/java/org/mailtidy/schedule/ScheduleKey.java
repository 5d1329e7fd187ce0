package org.mailtidy.schedule;

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
        return schedule.match(e -> new ScheduleKey("every " + e.interval().toMillis() + "ms", e.text()),
                c -> new ScheduleKey("cron " + String.join(" | ", c.quartzExpressions()), c.text()));
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
