package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
