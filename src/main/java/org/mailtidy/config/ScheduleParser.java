package org.mailtidy.config;

import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Parses the {@code schedule} value of a rule or of {@code defaults}: {@code every <duration>}, a
 * 5-field crontab line (or a crontab nickname such as {@code @daily}) or a 6/7-field Quartz cron
 * expression. A crontab line keeps its crontab meaning and becomes one or two Quartz expressions.
 */
public final class ScheduleParser {

    private static final Pattern DURATION = Pattern.compile("([+-]?\\d+)([a-z]+)");
    private static final Map<String, Duration> UNITS = Map.of(
            "s", Duration.ofSeconds(1), "m", Duration.ofMinutes(1), "h", Duration.ofHours(1),
            "d", Duration.ofDays(1), "w", Duration.ofDays(7), "y", Duration.ofDays(365));

    // Vixie cron's nicknames (crontab(5)); @reboot has no meaning for a daemon's schedule.
    private static final Map<String, String> NICKNAMES = Map.of(
            "@hourly", "0 * * * *", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private ScheduleParser() {
    }

    /** A schedule that cannot be read; the message says what was expected. */
    public static final class InvalidSchedule extends Exception {
        public InvalidSchedule(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code every <duration>}, a 5-field crontab line or a 6/7-field Quartz cron expression.
     */
    public static Schedule parse(String text) throws InvalidSchedule {
        String line = text == null ? "" : text.strip();
        String[] words = line.isEmpty() ? new String[0] : line.split("\\s+");
        if (words.length > 0 && words[0].equalsIgnoreCase("every")) {
            return every(line);
        }
        if (words.length == 1 && words[0].startsWith("@")) {
            return nickname(line);
        }
        return switch (words.length) {
            case 5 -> new Schedule.Cron(line, Crontab.toQuartz(words));
            case 6, 7 -> quartz(line);
            default -> throw new InvalidSchedule("expected \"every <duration>\" (e.g. every 15m), a 5-field crontab"
                    + " line or a Quartz cron expression, got \"" + line + "\"");
        };
    }

    private static Schedule.Every every(String line) throws InvalidSchedule {
        String amount = line.substring("every".length()).strip();
        if (amount.isEmpty()) {
            throw new InvalidSchedule("expected a duration after \"every\" (e.g. every 15m), got \"" + line + "\"");
        }
        Matcher m = DURATION.matcher(amount);
        if (!m.matches() || !UNITS.containsKey(m.group(2))) {
            throw new InvalidSchedule("invalid duration \"" + amount + "\": expected a whole number followed by"
                    + " s, m, h, d, w or y (y = 365d), e.g. every 15m");
        }
        Duration interval;
        try {
            interval = UNITS.get(m.group(2)).multipliedBy(Long.parseLong(m.group(1)));
            interval.toMillis(); // the scheduler counts in milliseconds
        } catch (NumberFormatException | ArithmeticException tooBig) {
            if (m.group(1).startsWith("-")) {
                throw new InvalidSchedule("interval must be at least 1s, got \"" + amount + "\"");
            }
            throw new InvalidSchedule("interval too long: \"" + amount + "\"");
        }
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidSchedule("interval must be at least 1s, got \"" + amount + "\"");
        }
        return new Schedule.Every(line, interval);
    }

    private static Schedule.Cron nickname(String line) throws InvalidSchedule {
        String crontab = NICKNAMES.get(line.toLowerCase(Locale.ROOT));
        if (crontab == null) {
            throw new InvalidSchedule("unknown schedule \"" + line + "\" (expected @hourly, @daily, @midnight,"
                    + " @weekly, @monthly, @yearly or @annually)");
        }
        return new Schedule.Cron(line, Crontab.toQuartz(crontab.split(" ")));
    }

    private static Schedule.Cron quartz(String line) throws InvalidSchedule {
        String invalid = "invalid Quartz cron expression \"" + line + "\": ";
        CronExpression expression;
        try {
            expression = new CronExpression(line);
        } catch (ParseException e) {
            throw new InvalidSchedule(invalid + e.getMessage() + quartzHint(e.getMessage()));
        } catch (RuntimeException e) {
            throw new InvalidSchedule(invalid + e);
        }
        Date first;
        try {
            // From the epoch, so that the answer does not depend on today: this catches expressions
            // such as "0 0 0 30 2 ?" that Quartz accepts but would refuse to schedule.
            first = expression.getNextValidTimeAfter(new Date(0));
        } catch (RuntimeException e) {
            // Quartz's parser lets some malformed fields through (e.g. "," alone) and fails here.
            throw new InvalidSchedule(invalid + "Quartz accepts it but cannot compute its fire times (" + e + ")");
        }
        if (first == null) {
            throw new InvalidSchedule("Quartz cron expression never fires: \"" + line + "\"");
        }
        return new Schedule.Cron(line, List.of(line));
    }

    private static String quartzHint(String quartzMessage) {
        return quartzMessage != null && quartzMessage.contains("day-of-week AND a day-of-month")
                ? " (write ? in the day-of-month or the day-of-week field)"
                : "";
    }
}
