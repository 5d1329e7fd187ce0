package org.mailtidy.config;

import java.text.ParseException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Fire times of a set of Quartz cron expressions (the union, in order, without duplicates).
 *
 * <p>Times are wall-clock times in the zone, as Quartz computes them: a time that the clock skips
 * when daylight saving time starts does not fire that day, and a time that occurs twice when it
 * ends fires once, at its second (standard-time) occurrence.
 */
final class CronTimes {
    private CronTimes() {
    }

    /**
     * The first {@code count} fire times strictly after {@code from}, in {@code zone}; fewer if the
     * expressions stop firing.
     *
     * @throws IllegalArgumentException if an expression is not valid Quartz syntax
     */
    static List<ZonedDateTime> next(List<String> quartzExpressions, ZonedDateTime from, int count, ZoneId zone) {
        List<CronExpression> expressions = compile(quartzExpressions, zone);
        Date start = Date.from(from.toInstant());
        List<Date> pending = new ArrayList<>();
        for (CronExpression expression : expressions) {
            pending.add(expression.getNextValidTimeAfter(start));
        }
        List<ZonedDateTime> times = new ArrayList<>();
        Date previous = null;
        while (times.size() < count) {
            int earliest = indexOfEarliest(pending);
            if (earliest < 0) {
                break;
            }
            Date time = pending.get(earliest);
            if (previous == null || time.after(previous)) {
                times.add(time.toInstant().atZone(zone));
                previous = time;
            }
            pending.set(earliest, expressions.get(earliest).getNextValidTimeAfter(time));
        }
        return times;
    }

    private static List<CronExpression> compile(List<String> quartzExpressions, ZoneId zone) {
        List<CronExpression> expressions = new ArrayList<>();
        for (String text : quartzExpressions) {
            try {
                CronExpression expression = new CronExpression(text);
                expression.setTimeZone(TimeZone.getTimeZone(zone));
                expressions.add(expression);
            } catch (ParseException e) {
                throw new IllegalArgumentException("invalid Quartz cron expression \"" + text + "\": "
                        + e.getMessage(), e);
            }
        }
        return expressions;
    }

    private static int indexOfEarliest(List<Date> pending) {
        int earliest = -1;
        for (int i = 0; i < pending.size(); i++) {
            Date candidate = pending.get(i);
            if (candidate != null && (earliest < 0 || candidate.before(pending.get(earliest)))) {
                earliest = i;
            }
        }
        return earliest;
    }
}
