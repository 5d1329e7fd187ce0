package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTableBuilderTest {

    @Test
    void keepsUidOrderAndTrimsToTheMessagesSeen() {
        MessageTableBuilder b = new MessageTableBuilder(8);
        b.add(3, List.of("\\Seen"), 300, 30);
        b.add(5, List.of(), 500, 50);
        b.add(9, List.of("\\Seen"), 900, 90);

        MessageTable t = b.build();

        assertThat(t.uids()).containsExactly(3, 5, 9);
        assertThat(t.flagSetIds()).containsExactly(0, 1, 0);
        assertThat(t.internalDates()).containsExactly(300, 500, 900);
        assertThat(t.sizes()).containsExactly(30, 50, 90);
        assertThat(t.flagSets()).containsExactly(List.of("\\Seen"), List.of());
    }

    @Test
    void sortsAnAnswerThatIsNotInUidOrder() {
        MessageTableBuilder b = new MessageTableBuilder(3);
        b.add(9, List.of("\\Seen"), 900, 90);
        b.add(3, List.of(), 300, 30);
        b.add(5, List.of("\\Flagged"), 500, 50);

        MessageTable t = b.build();

        assertThat(t.uids()).containsExactly(3, 5, 9);
        assertThat(t.internalDates()).containsExactly(300, 500, 900);
        assertThat(t.sizes()).containsExactly(30, 50, 90);
        assertThat(t.flagSetIds()).containsExactly(1, 2, 0);
    }
}
