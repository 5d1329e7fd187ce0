package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The Date: regex of a sent_* criterion compares the header's own calendar date, zone disregarded (RFC 3501). */
class SentDateRegexTest {
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private static boolean finds(Criterion.HeaderRegex regex, String value) {
        return regex.pattern().matcher(value).find();
    }

    @Test
    void theHeadersOwnDateCountsNotItsUtcDate() {
        String lateEvening = "Tue, 1 Jul 2025 23:30:00 -0500"; // 2 Jul in UTC
        assertThat(finds(SentDateRegex.of(Criterion.DateOp.ON, LocalDate.of(2025, 7, 1)), lateEvening)).isTrue();
        assertThat(finds(SentDateRegex.of(Criterion.DateOp.ON, LocalDate.of(2025, 7, 2)), lateEvening)).isFalse();
        assertThat(finds(SentDateRegex.of(Criterion.DateOp.BEFORE, LocalDate.of(2025, 7, 2)), lateEvening)).isTrue();
        assertThat(finds(SentDateRegex.of(Criterion.DateOp.SINCE, LocalDate.of(2025, 7, 2)), lateEvening)).isFalse();
    }

    @Test
    void agreesWithACalendarComparisonOverYearsMonthsAndDays() {
        List<LocalDate> boundaries = List.of(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 7, 1), LocalDate.of(2025, 7, 10),
                LocalDate.of(2024, 12, 31), LocalDate.of(2000, 2, 29), LocalDate.of(2026, 10, 9));
        for (LocalDate boundary : boundaries) {
            for (LocalDate sent = LocalDate.of(1999, 12, 25); sent.isBefore(LocalDate.of(2027, 1, 5)); sent = sent.plusDays(3)) {
                for (ZoneOffset zone : List.of(ZoneOffset.UTC, ZoneOffset.ofHours(-11), ZoneOffset.ofHoursMinutes(13, 45))) {
                    String header = RFC5322.format(ZonedDateTime.of(sent.atTime(23, 59), zone));
                    assertThat(finds(SentDateRegex.of(Criterion.DateOp.BEFORE, boundary), header))
                            .as("%s before %s", header, boundary).isEqualTo(sent.isBefore(boundary));
                    assertThat(finds(SentDateRegex.of(Criterion.DateOp.SINCE, boundary), header))
                            .as("%s since %s", header, boundary).isEqualTo(!sent.isBefore(boundary));
                    assertThat(finds(SentDateRegex.of(Criterion.DateOp.ON, boundary), header))
                            .as("%s on %s", header, boundary).isEqualTo(sent.equals(boundary));
                }
            }
        }
    }

    @Test
    void readsTheFormsRfc5322Allows() {
        Criterion.HeaderRegex on = SentDateRegex.of(Criterion.DateOp.ON, LocalDate.of(2025, 3, 3));
        assertThat(finds(on, "3 Mar 2025 10:00:00 +0100")).isTrue();
        assertThat(finds(on, "Mon, 03 MAR 2025 10:00 GMT")).isTrue();
        assertThat(finds(on, "Mon,3 Mar 2025 10:00:00 +0000")).isTrue();
        assertThat(finds(on, "Mon, 13 Mar 2025 10:00:00 +0000")).isFalse();
        assertThat(finds(on, "Mon, 3 Mar 20251 10:00:00 +0000")).isFalse();
        assertThat(finds(on, "garbage")).isFalse();
    }

    @Test
    void rewritesOnlyTheSentLeaves() {
        LocalDate today = LocalDate.of(2026, 1, 10);
        Criterion tree = new Criterion.And(List.of(new Criterion.Text(Criterion.TextField.FROM, "a"),
                new Criterion.Not(new Criterion.SentAge(10, true)), new Criterion.SentDate(Criterion.DateOp.ON,
                LocalDate.of(2025, 1, 2))));
        Criterion rewritten = SentDateRegex.rewrite(tree, today);
        assertThat(SentDateRegex.hasSentDates(tree)).isTrue();
        assertThat(SentDateRegex.hasSentDates(rewritten)).isFalse();
        Criterion.And and = (Criterion.And) rewritten;
        assertThat(and.parts().get(0)).isEqualTo(tree instanceof Criterion.And a ? a.parts().get(0) : null);
        assertThat(((Criterion.Not) and.parts().get(1)).part())
                .isEqualTo(SentDateRegex.of(Criterion.DateOp.BEFORE, LocalDate.of(2025, 12, 31)));
        assertThat(and.parts().get(2)).isEqualTo(SentDateRegex.of(Criterion.DateOp.ON, LocalDate.of(2025, 1, 2)));
    }
}
