package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.ScheduleParser.InvalidSchedule;

/**
 * Random crontab lines: the fire times of their Quartz translation must equal those of a naive
 * crontab matcher that walks the wall clock minute by minute. The matcher follows Vixie cron's
 * day rule (both day fields restricted, i.e. neither starts with {@code *}: either may match;
 * otherwise both must) and Quartz's daylight-saving behaviour (a skipped local time does not
 * fire, a repeated one fires at its second occurrence).
 */
class ScheduleCrontabPropertyTest {

    private static final int CASES = 3000;
    private static final int TIMES = 25;
    private static final Duration WINDOW = Duration.ofDays(400);
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("America/Santiago"));
    private static final List<String> MONTHS = List.of(
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    private final Random random = new Random(20250611L);

    @Test
    void quartzTranslationFiresExactlyWhenCrontabWould() {
        int compared = 0;
        int rejectedAsBothDays = 0;
        for (int i = 0; i < CASES; i++) {
            String line = randomLine();
            ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
            Instant from = randomStart(zone);
            Reference reference = new Reference(line);
            String context = "crontab \"" + line + "\" in " + zone + " after " + from.atZone(zone);

            if (reference.bothDaysMustMatch() && !reference.everyDayOfMonth() && !reference.everyDayOfWeek()) {
                assertThatThrownBy(() -> ScheduleParser.parse(line)).as(context)
                        .isInstanceOf(InvalidSchedule.class).hasMessageContaining("would both have to match");
                rejectedAsBothDays++;
                continue;
            }
            if (!reference.firesOnSomeDayIn(2024, 2027)) {
                assertThatThrownBy(() -> ScheduleParser.parse(line)).as(context)
                        .isInstanceOf(InvalidSchedule.class).hasMessageStartingWith("crontab line never fires");
                continue;
            }
            Schedule schedule = parse(line, context);
            List<ZonedDateTime> expected = reference.fireTimes(from, zone);
            List<ZonedDateTime> actual = schedule.nextFireTimes(from.atZone(ZoneId.of("UTC")), TIMES, zone).stream()
                    .filter(t -> !t.toInstant().isAfter(from.plus(WINDOW)))
                    .toList();
            assertThat(actual).as(context + " as " + ((Schedule.Cron) schedule).quartzExpressions())
                    .isEqualTo(expected);
            compared++;
        }
        assertThat(compared).isGreaterThan(CASES * 3 / 4);
        assertThat(rejectedAsBothDays).isPositive();
    }

    private static Schedule parse(String line, String context) {
        try {
            return ScheduleParser.parse(line);
        } catch (InvalidSchedule e) {
            throw new AssertionError(context + ": " + e.getMessage(), e);
        }
    }

    // ---- random crontab lines ----

    private String randomLine() {
        return String.join(" ",
                field(35, 0, 59, List.of()),
                field(45, 0, 23, List.of()),
                field(65, 1, 31, List.of()),
                field(70, 1, 12, MONTHS),
                field(60, 0, 7, DAYS));
    }

    private String field(int starPercent, int min, int max, List<String> names) {
        if (random.nextInt(100) < starPercent) {
            return "*";
        }
        List<String> elements = new ArrayList<>();
        int count = 1 + random.nextInt(random.nextInt(4) == 0 ? 4 : 2);
        for (int i = 0; i < count; i++) {
            elements.add(element(min, max, names));
        }
        return String.join(",", elements);
    }

    private String element(int min, int max, List<String> names) {
        int a = between(min, max);
        int b = between(min, max);
        int low = Math.min(a, b);
        int high = Math.max(a, b);
        int step = 1 + random.nextInt(random.nextBoolean() ? 6 : max);
        return switch (random.nextInt(7)) {
            case 0, 1 -> value(a, names);
            case 2 -> value(low, names) + "-" + value(high, names);
            case 3 -> value(low, names) + "-" + value(high, names) + "/" + step;
            case 4 -> "*/" + step;
            case 5 -> value(a, names) + "/" + step;
            default -> names == DAYS && low > 0 ? value(low, names) + "-sun" : value(low, names) + "-" + value(high, names);
        };
    }

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private String value(int v, List<String> names) {
        if (names.isEmpty() || v == 7 || random.nextInt(3) > 0) {
            return String.valueOf(v);
        }
        int index = names == MONTHS ? v - 1 : v;
        String name = names.get(index);
        return switch (random.nextInt(3)) {
            case 0 -> name;
            case 1 -> name.toUpperCase(Locale.ROOT);
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
        };
    }

    private Instant randomStart(ZoneId zone) {
        Instant base = LocalDate.of(2024, 1, 1).atStartOfDay(zone).toInstant()
                .plusSeconds(random.nextInt(6 * 365 * 86400))
                .plusMillis(random.nextInt(1000));
        ZoneOffsetTransition transition = zone.getRules().nextTransition(base);
        if (transition != null && random.nextInt(3) == 0) {
            // Start shortly before a daylight-saving change, or within hours of it (sometimes
            // inside a repeated hour), so that fire times straddle it.
            long seconds = random.nextBoolean() ? random.nextInt(4 * 86400) : random.nextInt(5 * 3600) - 3 * 3600;
            return transition.getInstant().minusSeconds(seconds).plusMillis(random.nextInt(1000));
        }
        return base;
    }

    // ---- the naive reference ----

    /** crontab(5) read literally, one field element at a time. */
    private static final class Reference {
        private final String[] fields;
        private final IntPredicate minute;
        private final IntPredicate hour;
        private final IntPredicate dayOfMonth;
        private final IntPredicate month;
        private final IntPredicate dayOfWeek;

        Reference(String line) {
            fields = line.split(" ");
            minute = matcher(fields[0], 0, 59, List.of());
            hour = matcher(fields[1], 0, 23, List.of());
            dayOfMonth = matcher(fields[2], 1, 31, List.of());
            month = matcher(fields[3], 1, 12, MONTHS);
            IntPredicate rawDayOfWeek = matcher(fields[4], 0, 7, DAYS);
            dayOfWeek = d -> rawDayOfWeek.test(d) || d == 0 && rawDayOfWeek.test(7);
        }

        boolean bothDaysMustMatch() {
            return fields[2].startsWith("*") || fields[4].startsWith("*");
        }

        boolean everyDayOfMonth() {
            for (int d = 1; d <= 31; d++) {
                if (!dayOfMonth.test(d)) {
                    return false;
                }
            }
            return true;
        }

        boolean everyDayOfWeek() {
            for (int d = 0; d <= 6; d++) {
                if (!dayOfWeek.test(d)) {
                    return false;
                }
            }
            return true;
        }

        boolean firesOn(LocalDate day) {
            boolean domMatches = dayOfMonth.test(day.getDayOfMonth());
            boolean dowMatches = dayOfWeek.test(day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue());
            boolean dayMatches = bothDaysMustMatch() ? domMatches && dowMatches : domMatches || dowMatches;
            return month.test(day.getMonthValue()) && dayMatches;
        }

        boolean firesOnSomeDayIn(int firstYear, int lastYear) {
            for (LocalDate day = LocalDate.of(firstYear, 1, 1); day.getYear() <= lastYear; day = day.plusDays(1)) {
                if (firesOn(day)) {
                    return true;
                }
            }
            return false;
        }

        List<ZonedDateTime> fireTimes(Instant from, ZoneId zone) {
            LocalDateTime start = LocalDateTime.ofInstant(from, zone);
            Instant end = from.plus(WINDOW);
            List<ZonedDateTime> times = new ArrayList<>();
            for (LocalDate day = start.toLocalDate(); !day.atStartOfDay(zone).toInstant().isAfter(end); day = day.plusDays(1)) {
                if (!firesOn(day)) {
                    continue;
                }
                for (int h = 0; h < 24; h++) {
                    for (int m = 0; m < 60; m++) {
                        LocalDateTime wallClock = day.atTime(h, m);
                        if (!hour.test(h) || !minute.test(m) || !wallClock.isAfter(start)
                                || zone.getRules().getValidOffsets(wallClock).isEmpty()) {
                            continue;
                        }
                        ZonedDateTime time = ZonedDateTime.ofLocal(wallClock, zone, null).withLaterOffsetAtOverlap();
                        if (time.toInstant().isAfter(end) || times.size() == TIMES) {
                            return times;
                        }
                        times.add(time);
                    }
                }
            }
            return times;
        }

        private static IntPredicate matcher(String field, int min, int max, List<String> names) {
            IntPredicate any = v -> false;
            for (String element : field.split(",")) {
                any = any.or(elementMatcher(element, min, max, names));
            }
            return any;
        }

        private static IntPredicate elementMatcher(String element, int min, int max, List<String> names) {
            String[] baseAndStep = element.split("/");
            String base = baseAndStep[0];
            int step = baseAndStep.length == 2 ? Integer.parseInt(baseAndStep[1]) : 1;
            int low;
            int high;
            if (base.equals("*")) {
                low = min;
                high = max;
            } else if (base.contains("-")) {
                low = number(base.substring(0, base.indexOf('-')), names);
                String end = base.substring(base.indexOf('-') + 1);
                high = end.equalsIgnoreCase("sun") && low > 0 ? 7 : number(end, names);
            } else {
                low = number(base, names);
                high = baseAndStep.length == 2 ? max : low;
            }
            return v -> v >= low && v <= high && (v - low) % step == 0;
        }

        private static int number(String text, List<String> names) {
            int index = names.indexOf(text.toLowerCase(Locale.ROOT));
            if (index < 0) {
                return Integer.parseInt(text);
            }
            return names == MONTHS ? index + 1 : index;
        }
    }
}
