package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.ScheduleParser.InvalidSchedule;

class CronTimesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static ZonedDateTime at(String isoOffsetDateTime) {
        return ZonedDateTime.parse(isoOffsetDateTime);
    }

    private static List<String> times(Schedule schedule, String from, int count, ZoneId zone) {
        return schedule.nextFireTimes(at(from), count, zone).stream().map(t -> t.toOffsetDateTime().toString()).toList();
    }

    @Test
    void dailyCrontabLineFiresAtThreeInTheConfiguredZoneAcrossBothDaylightSavingChanges() throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse("0 3 * * *");

        assertThat(times(schedule, "2025-03-29T12:00:00+01:00", 3, BERLIN))
                .containsExactly("2025-03-30T03:00+02:00", "2025-03-31T03:00+02:00", "2025-04-01T03:00+02:00");
        assertThat(times(schedule, "2025-10-25T12:00:00+02:00", 3, BERLIN))
                .containsExactly("2025-10-26T03:00+01:00", "2025-10-27T03:00+01:00", "2025-10-28T03:00+01:00");
        assertThat(schedule.nextFireTimes(at("2025-06-01T00:00:00Z"), 1, BERLIN).get(0).getZone()).isEqualTo(BERLIN);
    }

    @Test
    void skippedWallClockTimesDoNotFireAndRepeatedOnesFireOnceAtTheSecondOccurrence() throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse("30 2 * * *");

        assertThat(times(schedule, "2025-03-29T12:00:00+01:00", 2, BERLIN))
                .containsExactly("2025-03-31T02:30+02:00", "2025-04-01T02:30+02:00");
        assertThat(times(schedule, "2025-10-25T12:00:00+02:00", 2, BERLIN))
                .containsExactly("2025-10-26T02:30+01:00", "2025-10-27T02:30+01:00");
    }

    @Test
    void firesStrictlyAfterTheStart() throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse("0 3 * * *");

        assertThat(times(schedule, "2025-06-01T03:00:00+02:00", 1, BERLIN)).containsExactly("2025-06-02T03:00+02:00");
        assertThat(times(schedule, "2025-06-01T02:59:59.999+02:00", 1, BERLIN))
                .containsExactly("2025-06-01T03:00+02:00");
        assertThat(times(schedule, "2025-06-01T03:00:00.000000001+02:00", 1, BERLIN))
                .containsExactly("2025-06-02T03:00+02:00");
    }

    @Test
    void readsTheStartAsAnInstantWhateverItsZone() throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse("0 3 * * *");

        assertThat(times(schedule, "2025-06-01T00:30:00Z", 1, BERLIN)).containsExactly("2025-06-01T03:00+02:00");
        assertThat(times(schedule, "2025-06-01T01:30:00Z", 1, BERLIN)).containsExactly("2025-06-02T03:00+02:00");
        assertThat(times(schedule, "2025-06-01T01:30:00Z", 1, UTC)).containsExactly("2025-06-01T03:00Z");
    }

    @Test
    void mergesExpressionsInOrderWithoutDuplicates() {
        List<ZonedDateTime> times = CronTimes.next(List.of("0 0/30 * * * ?", "0 0 * * * ?", "0 45 10 * * ?"),
                at("2025-06-01T10:10:00Z"), 5, UTC);

        assertThat(times).extracting(t -> t.toLocalTime().toString())
                .containsExactly("10:30", "10:45", "11:00", "11:30", "12:00");
    }

    @Test
    void crontabLineWithBothDayFieldsFiresOnEitherDay() throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse("0 9 13 * fri");

        // January 2026: Fridays are the 2nd, 9th, 16th, 23rd; the 13th is a Tuesday.
        assertThat(times(schedule, "2026-01-01T00:00:00+01:00", 5, BERLIN)).containsExactly(
                "2026-01-02T09:00+01:00", "2026-01-09T09:00+01:00", "2026-01-13T09:00+01:00",
                "2026-01-16T09:00+01:00", "2026-01-23T09:00+01:00");
    }

    @Test
    void stopsWhenTheExpressionsStopFiring() {
        assertThat(CronTimes.next(List.of("0 0 12 1 1 ? 2030"), at("2025-06-01T00:00:00Z"), 3, UTC))
                .extracting(t -> t.toOffsetDateTime().toString())
                .containsExactly("2030-01-01T12:00Z");
        assertThat(CronTimes.next(List.of("0 0 12 1 1 ? 2030"), at("2031-01-01T00:00:00Z"), 3, UTC)).isEmpty();
    }

    @Test
    void returnsNothingForACountOfZero() {
        assertThat(CronTimes.next(List.of("0 * * * * ?"), at("2025-06-01T00:00:00Z"), 0, UTC)).isEmpty();
    }

    @Test
    void rejectsAnInvalidExpression() {
        assertThatThrownBy(() -> CronTimes.next(List.of("0 0 0 1 * 1"), at("2025-06-01T00:00:00Z"), 1, UTC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid Quartz cron expression \"0 0 0 1 * 1\": Support for specifying both");
    }

    @Test
    void everyScheduleAddsItsIntervalFromTheStart() throws InvalidSchedule {
        assertThat(times(ScheduleParser.parse("every 15m"), "2025-06-01T10:07:30Z", 3, BERLIN))
                .containsExactly("2025-06-01T12:22:30+02:00", "2025-06-01T12:37:30+02:00", "2025-06-01T12:52:30+02:00");
    }
}
