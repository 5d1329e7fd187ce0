package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.RegexOutcomes;

class ServerEvidenceTest {
    private final ServerEvidence evidence = new ServerEvidence();

    @Test
    void headerValuesByIndexAndCaseInsensitiveName() {
        evidence.addHeaders(3, Map.of("Subject", List.of("Invoice #12345"), "X-Tag", List.of("a", "b")));
        evidence.addHeaders(7, Map.of("Subject", List.of(), "X-Tag", List.of("c")));

        assertThat(evidence.headerValues(3, "subject")).containsExactly("Invoice #12345");
        assertThat(evidence.headerValues(3, "X-TAG")).containsExactly("a", "b");
        assertThat(evidence.headerValues(7, "Subject")).isEmpty();
        assertThat(evidence.headerValues(7, "x-tag")).containsExactly("c");
    }

    @Test
    void aMessageNotFetchedIsNullAndAFieldNotFetchedIsEmpty() {
        evidence.addHeaders(5, Map.of("Subject", List.of("s")));
        evidence.addHeaders(9, Map.of());

        assertThat(evidence.headerValues(4, "Subject")).isNull();
        assertThat(evidence.headerValues(6, "Subject")).isNull();
        assertThat(evidence.headerValues(5, "From")).isEmpty();
        assertThat(evidence.headerValues(9, "Subject")).isEmpty();
    }

    @Test
    void answersInAnyOrderAreFoundByIndex() {
        for (int i : new int[] {40, 2, 17, 99, 0, 63}) {
            evidence.addHeaders(i, Map.of("Subject", List.of("s" + i)));
        }
        for (int i : new int[] {0, 2, 17, 40, 63, 99}) {
            assertThat(evidence.headerValues(i, "Subject")).containsExactly("s" + i);
        }
        assertThat(evidence.headerValues(1, "Subject")).isNull();
        evidence.addHeaders(50, Map.of("Subject", List.of("s50")));
        assertThat(evidence.headerValues(50, "Subject")).containsExactly("s50");
        assertThat(evidence.headerValues(99, "Subject")).containsExactly("s99");
    }

    @Test
    void learnedOutcomesJoinTheKnownOnesAndTheRegexRunsOnlyOnTheRest() {
        Criterion.HeaderRegex invoice = new Criterion.HeaderRegex("subject", Pattern.compile("(?i)invoice"));
        // message 2 is known not to match although its subject would: a known outcome is not re-evaluated
        evidence.addKnownOutcomes(invoice, new RegexOutcomes(bits(1, 2), bits(1)));
        evidence.addHeaders(2, Map.of("Subject", List.of("Invoice 2")));
        evidence.addHeaders(4, Map.of("Subject", List.of("hello", "INVOICE 4")));
        evidence.addHeaders(6, Map.of("Subject", List.of("hello")));
        evidence.addHeaders(8, Map.of());

        RegexOutcomes learned = evidence.learnOutcomes(invoice, bits(2, 4, 6, 8));

        assertThat(learned.known()).isEqualTo(bits(1, 2, 4, 6, 8));
        assertThat(learned.matching()).isEqualTo(bits(1, 4));
        assertThat(evidence.knownOutcomes(invoice)).isEqualTo(learned);
        assertThat(evidence.knownOutcomes(new Criterion.HeaderRegex("Subject", Pattern.compile("other"))).known())
                .isEqualTo(new BitSet());
    }

    private static BitSet bits(int... indexes) {
        BitSet out = new BitSet();
        for (int i : indexes) {
            out.set(i);
        }
        return out;
    }
}
