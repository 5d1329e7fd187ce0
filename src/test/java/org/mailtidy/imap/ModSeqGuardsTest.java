package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class ModSeqGuardsTest {
    private final ModSeqGuards guards = new ModSeqGuards(40);

    // The tests up to the blank line below leave gaps between 40 and the mod-sequences our stores got
    // (another client's changes), so they exercise the per-message guards.

    @Test
    void everyMessageReadAfterSelectIsGuardedByTheSelectHighestModSeq() {
        assertThat(guards.byGuard(new long[] {1, 2, 9})).containsOnlyKeys(40L);
        assertThat(guards.byGuard(new long[] {1, 2, 9}).get(40L)).containsExactly(1, 2, 9);
    }

    @Test
    void aMessageThisSessionChangedIsGuardedByTheModSeqItsStoreReturned() {
        guards.stored(new long[] {2, 3}, new long[] {42}, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnlyKeys(40L, 42L);
        assertThat(guards.byGuard(new long[] {1, 2, 3}).get(42L)).containsExactly(2, 3);
    }

    @Test
    void aRefusedMessageIsNeverStoredAgainInTheSession() {
        guards.stored(new long[] {1}, new long[] {41}, new long[] {2});

        assertThat(guards.oneGuardForAll()).as("a refusal ends the one guard even without a gap").isFalse();
        assertThat(guards.changedByOthers(2)).isTrue();
        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnly(entry(41L, new long[] {1}),
                entry(40L, new long[] {3}));
    }

    @Test
    void withTheFetchedTableEachMessageKeepsTheGuardOfTheLastStoreThatChangedIt() {
        guards.track(new long[] {1, 2, 3, 5, 8});
        guards.stored(new long[] {2, 3, 5}, new long[] {45}, new long[0]);
        guards.stored(new long[] {3, 9}, new long[] {50}, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3, 5, 8, 9})).containsOnly(entry(40L, new long[] {1, 8}),
                entry(45L, new long[] {2, 5}), entry(50L, new long[] {3, 9}));
    }

    @Test
    void aMessageRefusedAfterOurOwnStoreIsLeftOutFromThenOn() {
        guards.track(new long[] {1, 2, 3});
        guards.stored(new long[] {1, 2}, new long[] {45}, new long[0]);
        guards.stored(new long[0], new long[0], new long[] {2});

        assertThat(guards.changedByOthers(2)).isTrue();
        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnly(entry(45L, new long[] {1}),
                entry(40L, new long[] {3}));
    }

    @Test
    void oneGuardForAllHandsBackTheSameArray() {
        long[] uids = {1, 2, 3};
        guards.track(uids);
        assertThat(guards.byGuard(uids).get(40L)).isSameAs(uids);
        guards.stored(uids, new long[] {44}, new long[0]);
        assertThat(guards.byGuard(uids).get(44L)).isSameAs(uids);
    }

    // One guard for all while every mod-sequence since SELECT's is one our own stores were given.

    @Test
    void consecutiveOwnModSeqsGiveEveryMessageTheHighestAsItsOneGuard() {
        long[] uids = {1, 2, 3, 4, 5, 6};
        guards.track(uids);
        guards.stored(new long[] {1, 2}, new long[] {41, 41}, new long[0]);
        guards.stored(new long[] {3, 4}, new long[] {42, 42}, new long[0]);

        assertThat(guards.oneGuardForAll()).isTrue();
        assertThat(guards.byGuard(uids)).containsOnlyKeys(42L);
        assertThat(guards.byGuard(uids).get(42L)).isSameAs(uids);
    }

    @Test
    void aGapInTheWindowFallsBackToPerMessageGuardsForTheRestOfTheSession() {
        guards.track(new long[] {1, 2, 3, 4});
        guards.stored(new long[] {1, 2}, new long[] {41}, new long[0]);
        guards.stored(new long[] {3}, new long[] {43}, new long[0]);

        assertThat(guards.oneGuardForAll()).isFalse();
        assertThat(guards.byGuard(new long[] {1, 2, 3, 4})).containsOnly(entry(40L, new long[] {4}),
                entry(41L, new long[] {1, 2}), entry(43L, new long[] {3}));

        // 42 turning up later does not make the window ours again.
        guards.stored(new long[] {4}, new long[] {42, 44}, new long[0]);
        assertThat(guards.oneGuardForAll()).isFalse();
        assertThat(guards.byGuard(new long[] {1, 2, 3, 4})).containsOnlyKeys(41L, 43L, 44L);
    }

    @Test
    void perMessageModSeqsThatCoverTheWindowGiveOneGuardInAnyOrder() {
        // Cyrus gives each changed message its own mod-sequence.
        guards.track(new long[] {1, 2, 3, 4});
        guards.stored(new long[] {1, 2, 3}, new long[] {43, 41, 42}, new long[0]);
        guards.stored(new long[] {4, 1}, new long[] {44, 45}, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3, 4})).containsOnly(entry(45L, new long[] {1, 2, 3, 4}));
    }

    @Test
    void aModSeqAtMostSelectsIsAMessageLeftAsItWasAndLeavesNoGap() {
        guards.stored(new long[] {1, 2}, new long[] {38, 41}, new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnlyKeys(41L);
    }

    @Test
    void anExpungeThatTookTheNextModSeqCountsAsOursAnyOtherDoesNot() {
        guards.stored(new long[] {1}, new long[] {41}, new long[0]);
        guards.expunged(42, true);
        assertThat(guards.byGuard(new long[] {1, 2})).containsOnlyKeys(42L);

        guards.expunged(42, true);
        assertThat(guards.oneGuardForAll()).as("nothing new").isTrue();

        guards.expunged(43, false);
        assertThat(guards.oneGuardForAll()).as("nothing of ours was expunged: another client's change").isFalse();
        assertThat(guards.byGuard(new long[] {1, 2})).containsOnly(entry(41L, new long[] {1}),
                entry(40L, new long[] {2}));
    }

    @Test
    void anExpungeThatSkippedAModSeqFallsBack() {
        guards.expunged(42, true);

        assertThat(guards.oneGuardForAll()).isFalse();
        assertThat(guards.byGuard(new long[] {1})).containsOnlyKeys(40L);
    }
}
