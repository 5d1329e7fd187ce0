package org.mailtidy.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageColumnsTest {
    private static final long[] UIDS = {3, 5, 9};
    private static final int[] IDS = {1, 0, 1};
    private static final long[] DATES = {30, 50, 90};
    private static final long[] SIZES = {300, 500, 900};

    /** A column kind of its own, as imap and rules have theirs: flag sets spelled as one string. */
    private static final class Joined extends MessageColumns<String> {
        Joined(MessageColumns<List<String>> names) {
            super(names, names.flagSets().stream().map(s -> String.join(" ", s)).toList());
        }
    }

    private static MessageColumns<List<String>> table() {
        return new MessageColumns<>(UIDS, IDS, List.of(List.of(), List.of("\\Seen", "$Work")), DATES, SIZES);
    }

    @Test
    void eachMessagePointsAtItsFlagSet() {
        MessageColumns<List<String>> t = table();
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.flags(0)).containsExactly("\\Seen", "$Work");
        assertThat(t.flags(1)).isEmpty();
        assertThat(t.indexOf(5)).isEqualTo(1);
        assertThat(t.indexOf(4)).isNegative();
    }

    @Test
    void anotherSpellingOfTheFlagSetsSharesTheArrays() {
        MessageColumns<List<String>> t = table();
        Joined j = new Joined(t);
        assertThat(j.uids()).isSameAs(t.uids());
        assertThat(j.flagSetIds()).isSameAs(t.flagSetIds());
        assertThat(j.internalDates()).isSameAs(t.internalDates());
        assertThat(j.sizes()).isSameAs(t.sizes());
        assertThat(j.flags(2)).isEqualTo("\\Seen $Work");
    }

    @Test
    void columnsOfDifferentLengthsAreRefused() {
        assertThatThrownBy(() -> new FlagColumns<>(UIDS, new int[] {0, 0}, List.of(List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageColumns<>(UIDS, IDS, List.of(List.of(), List.of()), DATES, new long[2]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageColumns<>(UIDS, IDS, List.of(List.of(), List.of()), new long[4], SIZES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFlagSetsAreHeldAsGivenOnceAndCannotBeChanged() {
        List<List<String>> sets = new java.util.ArrayList<>(List.of(List.of(), List.of("\\Seen")));
        FlagColumns<List<String>> c = new FlagColumns<>(UIDS, IDS, sets);
        sets.clear();
        assertThat(c.flagSets()).hasSize(2);
        assertThatThrownBy(() -> c.flagSets().add(List.of())).isInstanceOf(UnsupportedOperationException.class);
    }
}
