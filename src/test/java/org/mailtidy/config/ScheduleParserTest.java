package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.ScheduleParser.InvalidSchedule;

class ScheduleParserTest {

    private static List<String> quartzOf(String text) throws InvalidSchedule {
        Schedule schedule = ScheduleParser.parse(text);
        assertThat(schedule).isInstanceOf(Schedule.Cron.class);
        return ((Schedule.Cron) schedule).quartzExpressions();
    }

    private static void assertRejected(String text, String message) {
        assertThatThrownBy(() -> ScheduleParser.parse(text))
                .isInstanceOf(InvalidSchedule.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            every 15m   | PT15M
            every 1s    | PT1S
            every 90m   | PT1H30M
            every 12h   | PT12H
            every 2d    | PT48H
            every 2w    | PT336H
            every 1y    | PT8760H
            EVERY  30s  | PT30S
            """)
    void readsEveryWithEachUnit(String text, String interval) throws InvalidSchedule {
        assertThat(ScheduleParser.parse(text))
                .isEqualTo(new Schedule.Every(text.strip(), Duration.parse(interval)));
    }

    @Test
    void keepsTheTextAsWrittenWithoutSurroundingBlanks() throws InvalidSchedule {
        assertThat(ScheduleParser.parse("  */5 * * * *\t").text()).isEqualTo("*/5 * * * *");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            */15 * * * *          | 0 0/15 * * * ?
            0 3 * * *             | 0 0 3 * * ?
            * * * * *             | 0 * * * * ?
            5/15 * * * *          | 0 5/15 * * * ?
            1-10/2 * * * *        | 0 1-9/2 * * * ?
            0,30 8-18/2 * * *     | 0 0,30 8-18/2 * * ?
            10,11,12,40 * * * *   | 0 10-12,40 * * * ?
            0 0 */2 * *           | 0 0 0 1/2 * ?
            0 0 1 */3 *           | 0 0 0 1 1/3 ?
            0 0 1 jan,JUL *       | 0 0 0 1 1,7 ?
            0 0 1 Mar-May *       | 0 0 0 1 3-5 ?
            0 0 29 2 *            | 0 0 0 29 2 ?
            30 8 * * mon-fri      | 0 30 8 ? * 2-6
            30 8 * * 1-5          | 0 30 8 ? * 2-6
            0 0 * * 0             | 0 0 0 ? * 1
            0 0 * * 7             | 0 0 0 ? * 1
            0 0 * * SUN           | 0 0 0 ? * 1
            0 0 * * 0,7           | 0 0 0 ? * 1
            0 0 * * 5-7           | 0 0 0 ? * 1,6-7
            0 0 * * fri-sun       | 0 0 0 ? * 1,6-7
            0 0 * * sun-sun       | 0 0 0 ? * 1
            0 0 * * Sat-Sun       | 0 0 0 ? * 1,7
            0 0 * * 0-2           | 0 0 0 ? * 1-3
            0 0 * * */2           | 0 0 0 ? * 1/2
            0 0 * * 1-7/2         | 0 0 0 ? * 1-2,4,6
            0 0 * * */7           | 0 0 0 ? * 1
            0 0 * * 0-7           | 0 0 0 * * ?
            0 0 * * */1           | 0 0 0 * * ?
            0 0 1-31 * 1          | 0 0 0 * * ?
            0 0 1 * 0-6           | 0 0 0 * * ?
            0 0 */1 * 1           | 0 0 0 ? * 2
            0 0 31 2 mon          | 0 0 0 ? 2 2
            """)
    void translatesCrontabLinesWithOneQuartzExpression(String crontab, String quartz) throws InvalidSchedule {
        assertThat(quartzOf(crontab)).containsExactly(quartz);
    }

    @Test
    void firesOnEitherDayWhenBothDayFieldsAreRestricted() throws InvalidSchedule {
        assertThat(quartzOf("0 0 1,15 * 5")).containsExactly("0 0 0 1,15 * ?", "0 0 0 ? * 6");
        assertThat(quartzOf("0 12 13 * fri")).containsExactly("0 0 12 13 * ?", "0 0 12 ? * 6");
        assertThat(quartzOf("0 0 1-7 * 1-7/2")).containsExactly("0 0 0 1-7 * ?", "0 0 0 ? * 1-2,4,6");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            @hourly   | 0 0 * * * ?
            @daily    | 0 0 0 * * ?
            @midnight | 0 0 0 * * ?
            @weekly   | 0 0 0 ? * 1
            @monthly  | 0 0 0 1 * ?
            @yearly   | 0 0 0 1 1 ?
            @Annually | 0 0 0 1 1 ?
            """)
    void translatesCrontabNicknames(String nickname, String quartz) throws InvalidSchedule {
        assertThat(quartzOf(nickname)).containsExactly(quartz);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 0/5 * * * ?
            0 15 10 ? * MON-FRI
            0 0 12 ? * 6#3 2030
            0 0 0 L * ? *
            """)
    void passesQuartzExpressionsThrough(String quartz) throws InvalidSchedule {
        assertThat(ScheduleParser.parse(quartz)).isEqualTo(new Schedule.Cron(quartz, List.of(quartz)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''                         | expected "every <duration>" (e.g. every 15m), a 5-field crontab line or a Quartz cron expression, got ""
            daily                      | expected "every <duration>" (e.g. every 15m), a 5-field crontab line or a Quartz cron expression, got "daily"
            every15m                   | expected "every <duration>" (e.g. every 15m), a 5-field crontab line or a Quartz cron expression, got "every15m"
            0 3 * *                    | expected "every <duration>" (e.g. every 15m), a 5-field crontab line or a Quartz cron expression, got "0 3 * *"
            0 0 3 * * ? 2030 x         | expected "every <duration>" (e.g. every 15m), a 5-field crontab line or a Quartz cron expression, got "0 0 3 * * ? 2030 x"
            every                      | expected a duration after "every" (e.g. every 15m), got "every"
            every 15x                  | invalid duration "15x": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every 15M                  | invalid duration "15M": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every 1.5h                 | invalid duration "1.5h": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every 15 m                 | invalid duration "15 m": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every 1h30m                | invalid duration "1h30m": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every m                    | invalid duration "m": expected a whole number followed by s, m, h, d, w or y (y = 365d), e.g. every 15m
            every 0m                   | interval must be at least 1s, got "0m"
            every -5m                  | interval must be at least 1s, got "-5m"
            every -99999999999999999999s | interval must be at least 1s, got "-99999999999999999999s"
            every 99999999999999999999s | interval too long: "99999999999999999999s"
            every 999999999999999y     | interval too long: "999999999999999y"
            @reboot                    | unknown schedule "@reboot" (expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)
            """)
    void rejectsWhatIsNoScheduleOrNoValidInterval(String text, String message) {
        assertRejected(text, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            60 * * * *       | crontab field 1 (minute) out of range: 60 (allowed 0-59)
            0 24 * * *       | crontab field 2 (hour) out of range: 24 (allowed 0-23)
            0 0 0 * *        | crontab field 3 (day-of-month) out of range: 0 (allowed 1-31)
            0 0 1-32 * *     | crontab field 3 (day-of-month) out of range: 32 (allowed 1-31)
            0 0 1 13 *       | crontab field 4 (month) out of range: 13 (allowed 1-12 or jan-dec)
            0 0 1 0 *        | crontab field 4 (month) out of range: 0 (allowed 1-12 or jan-dec)
            0 0 * * 8        | crontab field 5 (day-of-week) out of range: 8 (allowed 0-7 or sun-sat)
            0 0 * * 99999999999 | crontab field 5 (day-of-week) out of range: 99999999999 (allowed 0-7 or sun-sat)
            */0 * * * *      | crontab field 1 (minute) step out of range: 0 (allowed 1-59)
            */90 * * * *     | crontab field 1 (minute) step out of range: 90 (allowed 1-59)
            0 */24 * * *     | crontab field 2 (hour) step out of range: 24 (allowed 1-23)
            0 0 * * */8      | crontab field 5 (day-of-week) step out of range: 8 (allowed 1-7)
            30-10 * * * *    | crontab field 1 (minute) has a reversed range: 30-10 (a range goes from low to high; for one that wraps around write 30-59,0-10)
            0 22-2 * * *     | crontab field 2 (hour) has a reversed range: 22-2 (a range goes from low to high; for one that wraps around write 22-23,0-2)
            0 23-0/2 * * *   | crontab field 2 (hour) has a reversed range: 23-0/2 (a range goes from low to high; for one that wraps around write 23,0)
            0 0 * nov-feb *  | crontab field 4 (month) has a reversed range: nov-feb (a range goes from low to high; for one that wraps around write 11-12,1-2)
            0 0 * * fri-mon  | crontab field 5 (day-of-week) has a reversed range: fri-mon (a range goes from low to high; for one that wraps around write 5-7,1)
            0 0 * * 6-2      | crontab field 5 (day-of-week) has a reversed range: 6-2 (a range goes from low to high; for one that wraps around write 6-7,1-2)
            0 0 * * 5-0      | crontab field 5 (day-of-week) has a reversed range: 5-0 (a range goes from low to high; for one that wraps around write 5-7)
            """)
    void rejectsValuesOutsideTheirField(String text, String message) {
        assertRejected(text, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            x * * * *        | crontab field 1 (minute) is not valid: "x" (expected numbers 0-59, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            mon * * * *      | crontab field 1 (minute) is not valid: "mon" (expected numbers 0-59, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            1,,2 * * * *     | crontab field 1 (minute) is not valid: "1,,2" (expected numbers 0-59, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            1, * * * *       | crontab field 1 (minute) is not valid: "1," (expected numbers 0-59, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 1-2-3 * * *    | crontab field 2 (hour) is not valid: "1-2-3" (expected numbers 0-23, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 -1 * * *       | crontab field 2 (hour) is not valid: "-1" (expected numbers 0-23, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 */2/3 * * *    | crontab field 2 (hour) is not valid: "*/2/3" (expected numbers 0-23, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 */x * * *      | crontab field 2 (hour) is not valid: "*/x" (expected numbers 0-23, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 L * *        | crontab field 3 (day-of-month) is not valid: "L" (expected numbers 1-31, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 ? * *        | crontab field 3 (day-of-month) is not valid: "?" (expected numbers 1-31, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 1 january *  | crontab field 4 (month) is not valid: "january" (expected numbers 1-12 or names jan-dec, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 1 mon *      | crontab field 4 (month) is not valid: "mon" (expected numbers 1-12 or names jan-dec, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 * * 1#2      | crontab field 5 (day-of-week) is not valid: "1#2" (expected numbers 0-7 or names sun-sat, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            0 0 * * jan      | crontab field 5 (day-of-week) is not valid: "jan" (expected numbers 0-7 or names sun-sat, ranges a-b, steps */n, a-b/n or a/n, separated by commas)
            """)
    void rejectsGarbageInAField(String text, String message) {
        assertRejected(text, message);
    }

    @Test
    void rejectsDayFieldsThatCrontabWouldRequireBothToMatch() {
        assertRejected("0 0 */2 * 1-5", "crontab field 3 (day-of-month) \"*/2\" and crontab field 5 (day-of-week)"
                + " \"1-5\" would both have to match (crontab's either-day rule is off when a day field starts"
                + " with *), which cannot be scheduled; write 1-31/2 instead of */2 to fire on days that match either");
        assertRejected("0 0 1 * */2", "crontab field 3 (day-of-month) \"1\" and crontab field 5 (day-of-week)"
                + " \"*/2\" would both have to match (crontab's either-day rule is off when a day field starts"
                + " with *), which cannot be scheduled; write 0-7/2 instead of */2 to fire on days that match either");
        assertRejected("0 0 */2 * */3", "crontab field 3 (day-of-month) \"*/2\" and crontab field 5 (day-of-week)"
                + " \"*/3\" would both have to match (crontab's either-day rule is off when a day field starts"
                + " with *), which cannot be scheduled; write 1-31/2 instead of */2 and 0-7/3 instead of */3 to fire"
                + " on days that match either");
    }

    @Test
    void rejectsCrontabLinesThatNeverFire() {
        assertRejected("0 0 30 2 *", "crontab line never fires: no month in crontab field 4 (month) \"2\" has a day"
                + " in crontab field 3 (day-of-month) \"30\"");
        assertRejected("0 0 31 apr,jun,sep,nov *", "crontab line never fires: no month in crontab field 4 (month)"
                + " \"apr,jun,sep,nov\" has a day in crontab field 3 (day-of-month) \"31\"");
    }

    @Test
    void rejectsInvalidQuartzExpressionsWithQuartzsReason() {
        assertRejected("0 61 * * * ?",
                "invalid Quartz cron expression \"0 61 * * * ?\": Minute and Second values must be between 0 and 59");
        assertRejected("0 0 0 ? * 0",
                "invalid Quartz cron expression \"0 0 0 ? * 0\": Day-of-Week values must be between 1 and 7");
        assertRejected("*/15 * * * * *", "invalid Quartz cron expression \"*/15 * * * * *\": Support for specifying"
                + " both a day-of-week AND a day-of-month parameter is not implemented. (write ? in the"
                + " day-of-month or the day-of-week field)");
        assertRejected("0 0 3 * * /usr/bin/backup",
                "invalid Quartz cron expression \"0 0 3 * * /usr/bin/backup\": Illegal cron expression format"
                + " (java.lang.NumberFormatException: For input string: \"USR/BIN/BACKUP\")");
    }

    @Test
    void rejectsQuartzExpressionsThatQuartzParsesButCannotEvaluate() {
        assertRejected(", 12 * * 5 ?", "invalid Quartz cron expression \", 12 * * 5 ?\": Quartz accepts it but"
                + " cannot compute its fire times (java.util.NoSuchElementException)");
    }

    @Test
    void rejectsQuartzExpressionsThatNeverFire() {
        assertRejected("0 0 0 30 2 ?", "Quartz cron expression never fires: \"0 0 0 30 2 ?\"");
    }
}
