package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Criterion.DateOp;
import org.mailtidy.rules.Criterion.TextField;

/** The local evaluator's IMAP SEARCH meaning, case by case (its agreement with Dovecot is tested in imap). */
class LocalSearchTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final LocalSearch.Clock UTC = LocalSearch.Clock.at(NOW, ZoneOffset.UTC);
    private static final LocalSearch.Clock BERLIN = LocalSearch.Clock.at(NOW, ZoneId.of("Europe/Berlin"));

    private static SearchableMessage message(Instant internal, Optional<LocalDate> sentDay, SearchableMessage.Field... fields) {
        return new SearchableMessage(List.of(fields), "Body with UNSUBSCRIBE link\r\n", internal, sentDay, 5000,
                Set.of(Flag.SEEN, Flag.of("Invoice")));
    }

    private static SearchableMessage message(SearchableMessage.Field... fields) {
        return message(NOW.minusSeconds(3600), Optional.of(LocalDate.of(2026, 3, 9)), fields);
    }

    private static SearchableMessage.Field field(String name, String value) {
        return new SearchableMessage.Field(name, value);
    }

    @Test
    void textIsASubstringUnderTheUnicodeCasemapCollation() {
        SearchableMessage m = message(field("From", "Jürgen Müller <j@x.example>"), field("Subject", "Straße ﬁle Ｆｕｌｌ"));

        assertThat(LocalSearch.matches(new Criterion.Text(TextField.FROM, "JÜRGEN"), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.FROM, "ller <j@"), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.SUBJECT, "ﬁle full"), m, UTC)).isTrue();
        // Titlecase comes before decomposition, so the ligature decomposes to lower-case "fi" (as on Dovecot).
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.SUBJECT, "file"), m, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.SUBJECT, "strasse"), m, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.TO, "j@"), m, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.BODY, "unsubscribe"), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.TEXT, "subject: straße"), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Text(TextField.TEXT, "link"), m, UTC)).isTrue();
    }

    @Test
    void headerWithAnEmptyValueMeansTheFieldIsPresent() {
        SearchableMessage m = message(field("List-Id", "Announce <announce.example>"), field("X-Tag", "a"),
                field("X-Tag", "second"));

        assertThat(LocalSearch.matches(new Criterion.Header("list-id", ""), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Header("X-Absent", ""), m, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Header("X-Tag", "SECOND"), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Header("List-Id", "other"), m, UTC)).isFalse();
    }

    @Test
    void receivedDatesAreCalendarDaysInTheConfiguredZone() {
        // 23:30 UTC on 8 March is 00:30 on 9 March in Berlin.
        SearchableMessage m = message(Instant.parse("2026-03-08T23:30:00Z"), Optional.empty());

        assertThat(LocalSearch.matches(new Criterion.ReceivedDate(DateOp.ON, LocalDate.of(2026, 3, 8)), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.ReceivedDate(DateOp.ON, LocalDate.of(2026, 3, 9)), m, BERLIN)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.ReceivedDate(DateOp.BEFORE, LocalDate.of(2026, 3, 9)), m, BERLIN)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.ReceivedDate(DateOp.SINCE, LocalDate.of(2026, 3, 9)), m, BERLIN)).isTrue();
    }

    @Test
    void sentDatesAreTheDateHeadersOwnDayAndAMissingOneIs1970() {
        SearchableMessage dated = message(NOW, SentDay.of("Mon, 9 Mar 2026 23:59:00 -1200"));
        SearchableMessage undated = message(NOW, SentDay.of("yesterday"));

        assertThat(dated.sentDay()).contains(LocalDate.of(2026, 3, 9));
        assertThat(LocalSearch.matches(new Criterion.SentDate(DateOp.ON, LocalDate.of(2026, 3, 9)), dated, BERLIN)).isTrue();
        assertThat(undated.sentDay()).isEmpty();
        assertThat(LocalSearch.matches(new Criterion.SentDate(DateOp.BEFORE, LocalDate.of(2000, 1, 1)), undated, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.SentDate(DateOp.SINCE, LocalDate.of(2000, 1, 1)), undated, UTC)).isFalse();
        // sent_older_than: 1d is SENTBEFORE today - 1 day = 9 March: a message sent on 9 March is not older.
        assertThat(LocalSearch.matches(new Criterion.SentAge(1, true), dated, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.SentAge(1, false), dated, UTC)).isTrue();
    }

    @Test
    void twoDigitYearsAndObsoleteFormsOfTheDateHeaderAreRead() {
        assertThat(SentDay.of("9 Mar 26 10:00 +0100")).contains(LocalDate.of(2026, 3, 9));
        assertThat(SentDay.of("Tue, 1 Dec 98 10:00 EST")).contains(LocalDate.of(1998, 12, 1));
        assertThat(SentDay.of("31 Feb 2026 10:00 +0000")).isEmpty();
    }

    @Test
    void agesAreExactAndAMessageAtTheBoundaryIsNewer() {
        SearchableMessage atBoundary = message(NOW.minus(Duration.ofDays(7)), Optional.empty());
        SearchableMessage justOlder = message(NOW.minus(Duration.ofDays(7)).minusMillis(1), Optional.empty());

        assertThat(LocalSearch.matches(new Criterion.Age(Duration.ofDays(7), true), atBoundary, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Age(Duration.ofDays(7), false), atBoundary, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Age(Duration.ofDays(7), true), justOlder, UTC)).isTrue();
    }

    @Test
    void sizesAreStrictAndFlagsAndRegexesAreLocal() {
        SearchableMessage m = message(field("Subject", "=?ignored?= Invoice 7"));

        assertThat(LocalSearch.matches(new Criterion.Size(5000, true), m, UTC)).isFalse();
        assertThat(LocalSearch.matches(new Criterion.Size(4999, true), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Size(5001, false), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.FlagIs(Flag.of("Invoice"), true), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.FlagIs(Flag.FLAGGED, false), m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.HeaderRegex("subject", java.util.regex.Pattern.compile("\\bInvoice \\d")),
                m, UTC)).isTrue();
        assertThat(LocalSearch.matches(new Criterion.Not(new Criterion.HeaderRegex("To", java.util.regex.Pattern.compile(""))),
                m, UTC)).as("an absent field never matches a regex").isTrue();
        assertThat(LocalSearch.matches(new Criterion.Or(List.of(new Criterion.All())), m, UTC)).isTrue();
    }
}
