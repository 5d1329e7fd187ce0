package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UidIndexBitsTest {
    /** UIDs 10, 20, ..., 100 at indexes 0..9. */
    private static final long[] TENS = LongStream.rangeClosed(1, 10).map(i -> i * 10).toArray();

    private static BitSet walk(long[] snapshot, long[]... ranges) {
        UidIndexBits bits = new UidIndexBits(snapshot);
        for (long[] r : ranges) {
            bits.range(r[0], r[1]);
        }
        return bits.bits();
    }

    private static BitSet indexes(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    @Test
    void rangesBecomeTheIndexesOfTheUidsTheyHold() {
        assertThat(walk(TENS, new long[] {10, 30}, new long[] {50, 50}, new long[] {70, 100}))
                .isEqualTo(indexes(0, 1, 2, 4, 6, 7, 8, 9));
    }

    @Test
    void uidsAbsentFromTheSnapshotSetNothing() {
        assertThat(walk(TENS, new long[] {1, 9}, new long[] {11, 19}, new long[] {45, 55}, new long[] {61, 61}))
                .isEqualTo(indexes(4));
    }

    @Test
    void rangesPastTheEndSetOnlyWhatTheSnapshotHolds() {
        assertThat(walk(TENS, new long[] {95, UidSets.MAX_UID})).isEqualTo(indexes(9));
        assertThat(walk(TENS, new long[] {101, 5000}, new long[] {UidSets.MAX_UID, UidSets.MAX_UID})).isEqualTo(new BitSet());
        assertThat(walk(TENS, new long[] {1, UidSets.MAX_UID}).cardinality()).isEqualTo(10);
    }

    @Test
    void rangesOutOfOrderAndOverlappingStillCount() {
        assertThat(walk(TENS, new long[] {80, 90}, new long[] {10, 10}, new long[] {20, 85}, new long[] {100, 100}))
                .isEqualTo(indexes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(walk(TENS, new long[] {60, 60}, new long[] {60, 60}, new long[] {30, 30}))
                .isEqualTo(indexes(2, 5));
    }

    @Test
    void anEmptySnapshotOrNoRangesGiveNoBits() {
        assertThat(walk(new long[0], new long[] {1, 100})).isEqualTo(new BitSet());
        assertThat(walk(TENS)).isEqualTo(new BitSet());
    }

    @Property
    void sameIndexesAsOneBinarySearchPerUid(@ForAll @Size(max = 200) List<@LongRange(min = 1, max = 400) Long> snapshot,
                                           @ForAll @Size(max = 30) List<@LongRange(min = 1, max = 420) Long> starts,
                                           @ForAll @Size(max = 30) List<@LongRange(min = 0, max = 40) Long> lengths) {
        long[] uids = snapshot.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        UidIndexBits walk = new UidIndexBits(uids);
        BitSet expected = new BitSet();
        for (int r = 0; r < Math.min(starts.size(), lengths.size()); r++) {
            long first = starts.get(r);
            long last = first + lengths.get(r);
            walk.range(first, last);
            for (long uid = first; uid <= last; uid++) {
                int i = Arrays.binarySearch(uids, uid);
                if (i >= 0) {
                    expected.set(i);
                }
            }
        }
        assertThat(walk.bits()).isEqualTo(expected);
    }
}
