package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.rules.Criterion.And;
import org.mailtidy.rules.Criterion.DateOp;
import org.mailtidy.rules.Criterion.Header;
import org.mailtidy.rules.Criterion.Not;
import org.mailtidy.rules.Criterion.Or;
import org.mailtidy.rules.Criterion.Text;
import org.mailtidy.rules.Criterion.TextField;

/** Which search answers may be kept between runs: only those that never change for a message. */
class SearchProgramCacheTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    private static SearchProgram program(String... atomsAndStrings) {
        List<SearchArg> tokens = new ArrayList<>();
        for (String t : atomsAndStrings) {
            tokens.add(t.startsWith("\"") ? new SearchArg.Str(t.substring(1)) : new SearchArg.Atom(t));
        }
        return SearchProgram.of(tokens);
    }

    @Test
    void everyServerSideCriterionRendersAnImmutableProgram() {
        Criterion all = new And(List.of(
                new Text(TextField.FROM, "a"), new Text(TextField.TO, "b"), new Text(TextField.CC, "c"),
                new Text(TextField.BCC, "d"), new Text(TextField.SUBJECT, "Grüße"), new Text(TextField.BODY, "e"),
                new Text(TextField.TEXT, "f"), new Header("List-Id", "x"), new Header("X y", "z"),
                new Or(List.of(new Criterion.ReceivedDate(DateOp.BEFORE, TODAY),
                        new Criterion.ReceivedDate(DateOp.SINCE, TODAY),
                        new Not(new Criterion.ReceivedDate(DateOp.ON, TODAY)))),
                new Criterion.SentDate(DateOp.ON, TODAY), new Criterion.SentAge(30, true),
                new Criterion.SentAge(60, false)));
        SearchProgram p = ImapSearch.render(all, TODAY);
        assertThat(p.isImmutable()).as(p.display()).isTrue();
    }

    @Test
    void contentSizeAndDateKeysAreImmutable() {
        assertThat(program("LARGER", "1000", "SMALLER", "5").isImmutable()).isTrue();
        assertThat(program("ALL").isImmutable()).isTrue();
        assertThat(program("CHARSET", "UTF-8", "BODY", "\"x").isImmutable()).isTrue();
        assertThat(program("NOT", "(", "SENTSINCE", "1-Jan-2025", "SENTBEFORE", "2-Jan-2025", ")").isImmutable())
                .isTrue();
        assertThat(program("HEADER", "\"List-Id", "\"dev").isImmutable()).isTrue();
    }

    @Test
    void flagsRelativeTimeUidsModSeqsAndUnknownKeysAreNot() {
        for (String key : List.of("SEEN", "UNSEEN", "FLAGGED", "DELETED", "ANSWERED", "DRAFT", "RECENT", "NEW",
                "OLD", "UNDELETED")) {
            assertThat(program("FROM", "\"a", key).isImmutable()).as(key).isFalse();
        }
        assertThat(program("KEYWORD", "$Todo").isImmutable()).isFalse();
        assertThat(program("UNKEYWORD", "$Todo").isImmutable()).isFalse();
        assertThat(program("OLDER", "3600").isImmutable()).isFalse();
        assertThat(program("YOUNGER", "3600").isImmutable()).isFalse();
        assertThat(program("UID", "1:*").isImmutable()).isFalse();
        assertThat(program("MODSEQ", "5").isImmutable()).isFalse();
        assertThat(program("1:5").isImmutable()).isFalse();
        assertThat(program("SAVEDBEFORE", "1-Jan-2025").isImmutable()).isFalse();
        assertThat(program("OR", "SEEN", "SUBJECT", "\"x").isImmutable()).isFalse();
    }

    @Test
    void aKeyWordInsideAStringIsNotAKeyAndAMissingArgumentIsNotAProgram() {
        assertThat(program("SUBJECT", "\"SEEN").isImmutable()).isTrue();
        assertThat(program("SUBJECT").isImmutable()).isFalse();
        assertThat(program("HEADER", "\"List-Id").isImmutable()).isFalse();
        assertThat(program("\"stray").isImmutable()).isFalse();
        // An argument that looks like a flag key is still only the argument.
        assertThat(program("HEADER", "SEEN", "\"x").isImmutable()).isTrue();
    }

    @Test
    void theKeyIsTheWireTextWithTheCharsetAndChangesWithTheDay() {
        SearchProgram ascii = program("SUBJECT", "\"x");
        SearchProgram utf8 = program("SUBJECT", "\"ü");
        assertThat(ascii.cacheKey()).isEqualTo("SUBJECT \"x\"");
        assertThat(utf8.cacheKey()).isEqualTo("CHARSET UTF-8 SUBJECT {2}\r\nü");
        Criterion age = new Criterion.SentAge(30, true);
        assertThat(ImapSearch.render(age, TODAY).cacheKey())
                .isNotEqualTo(ImapSearch.render(age, TODAY.plusDays(1)).cacheKey());
        assertThat(ImapSearch.render(age, TODAY).cacheKey()).isEqualTo(ImapSearch.render(age, TODAY).cacheKey());
    }
}
