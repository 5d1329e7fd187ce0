package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class ModSeqGuardsTest {
    private final ModSeqGuards guards = new ModSeqGuards(40);

    @Test
    void everyMessageReadAfterSelectIsGuardedByTheSelectHighestModSeq() {
        assertThat(guards.byGuard(new long[] {1, 2, 9})).containsOnlyKeys(40L);
        assertThat(guards.byGuard(new long[] {1, 2, 9}).get(40L)).containsExactly(1, 2, 9);
    }

    @Test
    void aMessageThisSessionChangedIsGuardedByTheModSeqItsStoreReturned() {
        guards.stored(new long[] {2, 3}, 42, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnlyKeys(40L, 42L);
        assertThat(guards.byGuard(new long[] {1, 2, 3}).get(42L)).containsExactly(2, 3);
    }

    @Test
    void aRefusedMessageIsNeverStoredAgainInTheSession() {
        guards.stored(new long[] {1}, 41, new long[] {2});

        assertThat(guards.changedByOthers(2)).isTrue();
        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnly(entry(41L, new long[] {1}),
                entry(40L, new long[] {3}));
    }

    @Test
    void withTheFetchedTableEachMessageKeepsTheGuardOfTheLastStoreThatChangedIt() {
        guards.track(new long[] {1, 2, 3, 5, 8});
        guards.stored(new long[] {2, 3, 5}, 45, new long[0]);
        guards.stored(new long[] {3, 9}, 50, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3, 5, 8, 9})).containsOnly(entry(40L, new long[] {1, 8}),
                entry(45L, new long[] {2, 5}), entry(50L, new long[] {3, 9}));
    }

    @Test
    void aMessageRefusedAfterOurOwnStoreIsLeftOutFromThenOn() {
        guards.track(new long[] {1, 2, 3});
        guards.stored(new long[] {1, 2}, 45, new long[0]);
        guards.stored(new long[0], 0, new long[] {2});

        assertThat(guards.changedByOthers(2)).isTrue();
        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnly(entry(45L, new long[] {1}),
                entry(40L, new long[] {3}));
    }

    @Test
    void oneGuardForAllHandsBackTheSameArray() {
        long[] uids = {1, 2, 3};
        guards.track(uids);
        assertThat(guards.byGuard(uids).get(40L)).isSameAs(uids);
        guards.stored(uids, 44, new long[0]);
        assertThat(guards.byGuard(uids).get(44L)).isSameAs(uids);
    }
}
