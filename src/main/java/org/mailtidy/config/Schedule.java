package org.mailtidy.config;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * When a rule runs: {@code every <duration>}, or a cron line. A 5-field crontab line is kept with
 * its crontab meaning (when day-of-month and day-of-week are both restricted, either matching
 * fires), which Quartz can only express as two cron expressions; hence a list. Code that must
 * handle both kinds calls {@link #match}.
 */
public sealed interface Schedule {

    /** One function per kind; returns what the one for this kind returns. */
    <R> R match(Function<Every, R> every, Function<Cron, R> cron);

    /** The text as written in the file. */
    String text();

    /** The next {@code count} fire times strictly after {@code from}, in {@code zone}. */
    List<ZonedDateTime> nextFireTimes(ZonedDateTime from, int count, ZoneId zone);

    /** {@code every 15m}. */
    record Every(String text, Duration interval) implements Schedule {
        @Override
        public <R> R match(Function<Every, R> every, Function<Cron, R> cron) {
            return every.apply(this);
        }

        @Override
        public List<ZonedDateTime> nextFireTimes(ZonedDateTime from, int count, ZoneId zone) {
            java.util.ArrayList<ZonedDateTime> out = new java.util.ArrayList<>();
            ZonedDateTime t = from.withZoneSameInstant(zone);
            for (int i = 0; i < count; i++) {
                t = t.plus(interval);
                out.add(t);
            }
            return out;
        }
    }

    /**
     * A crontab (5 fields) or Quartz (6 or 7 fields) line.
     *
     * @param quartzExpressions equivalent Quartz cron expressions; the rule fires when any fires
     */
    record Cron(String text, List<String> quartzExpressions) implements Schedule {
        @Override
        public <R> R match(Function<Every, R> every, Function<Cron, R> cron) {
            return cron.apply(this);
        }

        public Cron {
            quartzExpressions = List.copyOf(quartzExpressions);
        }

        @Override
        public List<ZonedDateTime> nextFireTimes(ZonedDateTime from, int count, ZoneId zone) {
            return CronTimes.next(quartzExpressions, from, count, zone);
        }
    }
}
