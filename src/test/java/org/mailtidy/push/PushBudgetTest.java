package org.mailtidy.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PushBudgetTest {
    @Test
    void manyWatchingAccountsShareTheConnectionBudgetAndEachKeepsOne() {
        assertThat(Push.connectionsPerAccount(5, 1)).isEqualTo(5);
        assertThat(Push.connectionsPerAccount(5, 12)).isEqualTo(5);
        assertThat(Push.connectionsPerAccount(5, 13)).isEqualTo(4);
        assertThat(Push.connectionsPerAccount(5, 64)).isEqualTo(1);
        assertThat(Push.connectionsPerAccount(5, 1000)).isEqualTo(1);
        for (int accounts = 1; accounts <= Push.CONNECTION_BUDGET; accounts++) {
            assertThat(accounts * Push.connectionsPerAccount(5, accounts)).isLessThanOrEqualTo(Push.CONNECTION_BUDGET);
        }
    }
}
