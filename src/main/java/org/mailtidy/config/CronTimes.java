package org.mailtidy.config;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/** Fire times of a set of Quartz cron expressions (the union, in order, without duplicates). */
final class CronTimes {
    private CronTimes() {
    }

    static List<ZonedDateTime> next(List<String> quartzExpressions, ZonedDateTime from, int count, ZoneId zone) {
        throw new UnsupportedOperationException("TODO");
    }
}
