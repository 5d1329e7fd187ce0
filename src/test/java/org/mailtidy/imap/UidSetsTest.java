package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UidSetsTest {

    @Test
    void compressesRunsAndSortsAndDeduplicates() {
        assertThat(UidSets.split(new long[] {9, 3, 1, 2, 12, 3, 10, 11, 5}, 100)).containsExactly("1:3,5,9:12");
    }

    @Test
    void parsesASetIntoMergedAscendingRanges() {
        assertThat(UidSets.parseRanges("7,1:3,4,9:8,12")).containsExactly(1, 4, 7, 9, 12, 12);
        assertThat(UidSets.parseRanges("")).isEmpty();
        assertThat(UidSets.parseRanges("4294967295")).containsExactly(4294967295L, 4294967295L);
    }

    @Test
    void ascendingInputIsNotCopiedButOtherInputIs() {
        long[] ascending = {1, 2, 5};
        long[] unsorted = {5, 1, 2, 2};
        assertThat(UidSets.sortedDistinct(ascending)).isSameAs(ascending);
        assertThat(UidSets.sortedDistinct(unsorted)).containsExactly(1, 2, 5);
        assertThat(unsorted).containsExactly(5, 1, 2, 2);
        assertThatThrownBy(() -> UidSets.sortedDistinct(new long[] {0, 1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyInputGivesNoPiece() {
        assertThat(UidSets.split(new long[0], 100)).isEmpty();
    }

    @Test
    void splitsBetweenRangesNeverInside() {
        long b = 1_000_000_000L;
        assertThat(UidSets.split(new long[] {b, b + 1, b + 2, b + 10, b + 11}, 21))
                .containsExactly("1000000000:1000000002", "1000000010:1000000011");
    }

    @Test
    void handlesTheLargestUid() {
        long max = UidSets.MAX_UID;
        assertThat(UidSets.split(new long[] {max, max - 1, max - 2, 1}, 100)).containsExactly("1,4294967293:4294967295");
    }

    @Test
    void rejectsUidsOutsideTheUnsigned32BitRange() {
        assertThatThrownBy(() -> UidSets.split(new long[] {0}, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UidSets.split(new long[] {UidSets.MAX_UID + 1}, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyOtherUidOfTwentyThousandNeedsSeveralPieces() {
        long[] uids = LongStream.rangeClosed(1, 20_000).filter(u -> u % 2 == 1).toArray();
        List<String> pieces = UidSets.split(uids, 7_900);
        assertThat(pieces.size()).isBetween(7, 9);
        assertThat(pieces.stream().mapToInt(String::length).max().getAsInt()).isLessThanOrEqualTo(7_900);
        assertThat(pieces.stream().flatMapToLong(p -> LongStream.of(UidSets.parse(p))).toArray()).isEqualTo(uids);
    }

    @Property(tries = 300)
    void piecesExpandBackToTheSortedDistinctInput(
            @ForAll @Size(max = 400) List<@LongRange(min = 1, max = 4_294_967_295L) Long> raw,
            @ForAll @IntRange(min = 21, max = 200) int maxLen,
            @ForAll boolean nearTop) {
        long[] uids = raw.stream().mapToLong(u -> nearTop ? UidSets.MAX_UID - (u % 500) : u % 2000 + 1).toArray();
        List<String> pieces = UidSets.split(uids, maxLen);

        long[] naive = LongStream.of(uids).sorted().distinct().toArray();
        long[] expanded = pieces.stream().flatMapToLong(p -> LongStream.of(UidSets.parse(p))).toArray();
        assertThat(expanded).isEqualTo(naive);
        assertThat(pieces).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(maxLen));
    }
}
