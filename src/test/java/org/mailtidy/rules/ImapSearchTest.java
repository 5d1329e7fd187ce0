package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.rules.Criterion.And;
import org.mailtidy.rules.Criterion.DateOp;
import org.mailtidy.rules.Criterion.Header;
import org.mailtidy.rules.Criterion.Not;
import org.mailtidy.rules.Criterion.Or;
import org.mailtidy.rules.Criterion.Text;
import org.mailtidy.rules.Criterion.TextField;

class ImapSearchTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    private static Text from(String s) {
        return new Text(TextField.FROM, s);
    }

    private static Text subject(String s) {
        return new Text(TextField.SUBJECT, s);
    }

    private static String wire(Criterion c) {
        return ImapSearch.render(c, TODAY).toString();
    }

    @Test
    void asciiStringsAreQuotedWithBackslashAndQuoteEscaped() {
        assertThat(wire(from("newsletter@"))).isEqualTo("FROM \"newsletter@\"");
        assertThat(wire(subject("say \"hi\" \\o/"))).isEqualTo("SUBJECT \"say \\\"hi\\\" \\\\o/\"");
        assertThat(ImapSearch.render(subject("plain"), TODAY).utf8()).isFalse();
    }

    @Test
    void nonAsciiStringsAreLiteralsCountedInUtf8BytesAndNeedCharsetUtf8() {
        SearchProgram p = ImapSearch.render(new And(List.of(subject("Jürgen"), from("a"))), TODAY);
        assertThat(p.toString()).isEqualTo("SUBJECT {7}\r\nJürgen FROM \"a\"");
        assertThat(p.utf8()).isTrue();
        assertThat(p.tokens()).containsExactly(new SearchArg.Atom("SUBJECT"), new SearchArg.Str("Jürgen"),
                new SearchArg.Atom("FROM"), new SearchArg.Str("a"));
    }

    @Test
    void asciiWithLineBreakIsALiteralButNeedsNoCharset() {
        SearchProgram p = ImapSearch.render(subject("a\r\nb"), TODAY);
        assertThat(p.toString()).isEqualTo("SUBJECT {4}\r\na\r\nb");
        assertThat(p.utf8()).isFalse();
    }

    @Test
    void orIsBinaryPrefixNestedToTheRight() {
        assertThat(wire(new Or(List.of(from("a"), from("b"), from("c")))))
                .isEqualTo("OR FROM \"a\" OR FROM \"b\" FROM \"c\"");
        assertThat(wire(new Or(List.of(from("a"))))).isEqualTo("FROM \"a\"");
    }

    @Test
    void groupsOfSeveralKeysAreParenthesisedOnlyAsOperandsOfOrAndNot() {
        And ab = new And(List.of(from("a"), subject("b")));
        assertThat(wire(new Not(ab))).isEqualTo("NOT (FROM \"a\" SUBJECT \"b\")");
        assertThat(wire(new Or(List.of(ab, new Text(TextField.CC, "c")))))
                .isEqualTo("OR (FROM \"a\" SUBJECT \"b\") CC \"c\"");
        assertThat(wire(new And(List.of(new Or(List.of(from("a"), from("b"))), ab))))
                .isEqualTo("OR FROM \"a\" FROM \"b\" FROM \"a\" SUBJECT \"b\"");
        assertThat(wire(new Not(new Not(new And(List.of(from("a"))))))).isEqualTo("NOT NOT FROM \"a\"");
        assertThat(wire(new Not(new And(List.of(ab))))).isEqualTo("NOT (FROM \"a\" SUBJECT \"b\")");
        assertThat(wire(new Not(new Or(List.of(from("a"), new Criterion.All())))))
                .isEqualTo("NOT OR FROM \"a\" ALL");
    }

    @Test
    void headerNameIsAnAtomUnlessItHasAtomSpecials() {
        assertThat(wire(new Header("List-Id", "announce"))).isEqualTo("HEADER List-Id \"announce\"");
        assertThat(wire(new Header("X(odd)", ""))).isEqualTo("HEADER \"X(odd)\" \"\"");
    }

    @Test
    void datesAreDayMonYearWithoutPaddingWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            assertThat(wire(new Criterion.ReceivedDate(DateOp.BEFORE, LocalDate.of(2026, 2, 1))))
                    .isEqualTo("BEFORE 1-Feb-2026");
            assertThat(wire(new Criterion.ReceivedDate(DateOp.SINCE, LocalDate.of(2025, 12, 31))))
                    .isEqualTo("SINCE 31-Dec-2025");
            assertThat(wire(new Criterion.ReceivedDate(DateOp.ON, LocalDate.of(2026, 5, 9)))).isEqualTo("ON 9-May-2026");
            assertThat(wire(new Criterion.SentDate(DateOp.BEFORE, LocalDate.of(2026, 1, 1))))
                    .isEqualTo("SENTBEFORE 1-Jan-2026");
            assertThat(wire(new Criterion.SentDate(DateOp.SINCE, LocalDate.of(2026, 9, 10))))
                    .isEqualTo("SENTSINCE 10-Sep-2026");
            assertThat(wire(new Criterion.SentDate(DateOp.ON, LocalDate.of(2026, 10, 20)))).isEqualTo("SENTON 20-Oct-2026");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void sentAgeCountsDaysBackFromToday() {
        assertThat(wire(new Criterion.SentAge(30, true))).isEqualTo("SENTBEFORE 13-Feb-2026");
        assertThat(wire(new Criterion.SentAge(14, false))).isEqualTo("SENTSINCE 1-Mar-2026");
        assertThat(wire(new Criterion.SentAge(0, true))).isEqualTo("SENTBEFORE 15-Mar-2026");
    }

    @Test
    void allTextFieldsAndAll() {
        assertThat(wire(new And(List.of(new Text(TextField.TO, "t"), new Text(TextField.BCC, "b"),
                new Text(TextField.BODY, "x"), new Text(TextField.TEXT, "y"), new Criterion.All()))))
                .isEqualTo("TO \"t\" BCC \"b\" BODY \"x\" TEXT \"y\" ALL");
    }

    @Test
    void renderRefusesCriteriaTheServerDoesNotAnswer() {
        List<Criterion> local = List.of(new Criterion.FlagIs(Flag.SEEN, true),
                new Criterion.Age(Duration.ofDays(1), true), new Criterion.Size(10, true),
                new Criterion.HeaderRegex("Subject", Pattern.compile("x")),
                new And(List.of(from("a"), new Criterion.FlagIs(Flag.SEEN, false))));
        for (Criterion c : local) {
            assertThatThrownBy(() -> ImapSearch.render(c, TODAY)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a criterion the server answers");
        }
    }

    @Test
    void describeShowsTheRulesOfTheConfigExample() {
        Criterion newsletters = new And(List.of(
                new Or(List.of(from("newsletter@"), new Header("List-Id", "announce"))),
                new Criterion.FlagIs(Flag.SEEN, false), new Criterion.Age(Duration.ofDays(7), true)));
        Criterion unflagStale = new And(List.of(new Criterion.FlagIs(Flag.FLAGGED, true),
                new Criterion.Age(Duration.ofDays(365), true)));
        Criterion invoices = new And(List.of(new Criterion.HeaderRegex("Subject", Pattern.compile("(?i)\\binvoice\\b")),
                new Not(new Criterion.FlagIs(Flag.of("Paid"), true))));
        Criterion purge = new And(List.of(from("newsletter@"), new Criterion.FlagIs(Flag.SEEN, true),
                new Criterion.Age(Duration.ofDays(90), true)));
        Criterion archive = new And(List.of(new Criterion.FlagIs(Flag.SEEN, true), new Criterion.Age(Duration.ofDays(30), true)));

        assertThat(ImapSearch.describe(newsletters, TODAY))
                .isEqualTo("OR FROM \"newsletter@\" HEADER List-Id \"announce\" UNSEEN OLDER 604800");
        assertThat(ImapSearch.describe(unflagStale, TODAY)).isEqualTo("FLAGGED OLDER 31536000");
        assertThat(ImapSearch.describe(invoices, TODAY))
                .isEqualTo("[client: Subject =~ /(?i)\\binvoice\\b/] NOT KEYWORD Paid");
        assertThat(ImapSearch.describe(purge, TODAY)).isEqualTo("FROM \"newsletter@\" SEEN OLDER 7776000");
        assertThat(ImapSearch.describe(archive, TODAY)).isEqualTo("SEEN OLDER 2592000");
    }

    @Test
    void describeShowsLocalCriteriaByTheirImapEquivalent() {
        Criterion c = new And(List.of(new Criterion.FlagIs(Flag.ANSWERED, false), new Criterion.FlagIs(Flag.DELETED, false),
                new Criterion.FlagIs(Flag.DRAFT, true), new Criterion.FlagIs(Flag.of("$Junk"), false),
                new Criterion.FlagIs(Flag.of("Work"), true), new Criterion.Age(Duration.ofHours(12), false),
                new Criterion.Size(1_048_576, true), new Criterion.Size(100, false), new Criterion.SentAge(7, true)));
        assertThat(ImapSearch.describe(c, TODAY)).isEqualTo(
                "UNANSWERED UNDELETED DRAFT UNKEYWORD $Junk KEYWORD Work YOUNGER 43200 LARGER 1048576 SMALLER 100 "
                        + "SENTBEFORE 8-Mar-2026");
    }

    @Test
    void describeQuotesNonAsciiInsteadOfWritingLiterals() {
        Criterion c = new Or(List.of(subject("Rechnung für"), new Not(new And(List.of(from("x"),
                new Criterion.FlagIs(Flag.SEEN, true))))));
        assertThat(ImapSearch.describe(c, TODAY)).isEqualTo("OR SUBJECT \"Rechnung für\" NOT (FROM \"x\" SEEN)");
    }

    @Test
    void renderAllAsksTheServerForLocalCriteriaTooButNotForRegexes() {
        Criterion c = new And(List.of(from("a"), new Criterion.FlagIs(Flag.SEEN, false),
                new Not(new Criterion.FlagIs(Flag.of("$Junk"), true)), new Criterion.Size(2048, true),
                new Criterion.Age(Duration.ofDays(7), true)));
        assertThat(ImapSearch.renderAll(c, TODAY).toString())
                .isEqualTo("FROM \"a\" UNSEEN NOT KEYWORD $Junk LARGER 2048 OLDER 604800");
        assertThatThrownBy(() -> ImapSearch.renderAll(new Criterion.HeaderRegex("Subject", Pattern.compile("x")), TODAY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
