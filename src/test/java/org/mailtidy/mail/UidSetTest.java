package org.mailtidy.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UidSetTest {

    @Test
    void sortsAndDropsDuplicates() {
        UidSet s = UidSet.of(7, 3, 1, 2, 3);
        assertThat(s.toArray()).containsExactly(1, 2, 3, 7);
        assertThat(s.size()).isEqualTo(4);
        assertThat(s.contains(7)).isTrue();
        assertThat(s.contains(4)).isFalse();
    }

    @Test
    void printsAsAnImapSequenceSet() {
        assertThat(UidSet.of(1, 2, 3, 7)).hasToString("1:3,7");
        assertThat(UidSet.of(5)).hasToString("5");
        assertThat(UidSet.of(1, 3, 4, 4294967295L)).hasToString("1,3:4,4294967295");
        assertThat(UidSet.EMPTY).hasToString("");
    }

    @Test
    void equalsByItsUids() {
        assertThat(UidSet.of(3, 1, 2)).isEqualTo(UidSet.of(1, 2, 3)).hasSameHashCodeAs(UidSet.of(1, 2, 3));
        assertThat(UidSet.of(1, 2)).isNotEqualTo(UidSet.of(1, 2, 3));
        assertThat(UidSet.of()).isSameAs(UidSet.EMPTY);
    }

    @Test
    void neitherTheGivenArrayNorTheReturnedOneReachesItsUids() {
        long[] given = {1, 2, 3};
        UidSet s = UidSet.of(given);
        given[0] = 99;
        s.toArray()[1] = 99;
        assertThat(s).isEqualTo(UidSet.of(1, 2, 3));
    }

    @Test
    void selectsFromATableColumnByIndex() {
        long[] column = {3, 5, 8, 13, 21};
        java.util.BitSet which = new java.util.BitSet();
        which.set(1);
        which.set(3);
        assertThat(UidSet.select(column, which)).isEqualTo(UidSet.of(5, 13));
        assertThat(UidSet.select(column, new int[] {0, 4})).isEqualTo(UidSet.of(3, 21));
        assertThat(UidSet.select(column, new java.util.BitSet())).isSameAs(UidSet.EMPTY);
        assertThat(UidSet.of(column).subset(new int[] {2})).hasToString("8");
    }

    @Test
    void aUidIsANonZero32BitNumber() {
        assertThat(Uid.of(4294967295L)).hasToString("4294967295");
        assertThatThrownBy(() -> Uid.of(0)).hasMessageContaining("nz-number");
        assertThatThrownBy(() -> Uid.of(4294967296L)).hasMessageContaining("1..4294967295");
    }

    @Test
    void storeModesNameTheirWireItems() {
        assertThat(StoreMode.ADD.item()).isEqualTo("+FLAGS.SILENT");
        assertThat(StoreMode.REMOVE.item()).isEqualTo("-FLAGS.SILENT");
        assertThat(StoreMode.REPLACE.item()).isEqualTo("FLAGS.SILENT");
    }
}
