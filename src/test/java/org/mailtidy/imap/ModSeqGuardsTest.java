package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
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
        guards.stored(Map.of(2L, 41L, 3L, 42L), new long[0]);

        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnlyKeys(40L, 42L);
        assertThat(guards.byGuard(new long[] {1, 2, 3}).get(42L)).containsExactly(2, 3);
    }

    @Test
    void aRefusedMessageIsNeverStoredAgainInTheSession() {
        guards.stored(Map.of(1L, 41L), new long[] {2});

        assertThat(guards.changedByOthers(2)).isTrue();
        assertThat(guards.byGuard(new long[] {1, 2, 3})).containsOnly(entry(41L, new long[] {1}),
                entry(40L, new long[] {3}));
    }
}
