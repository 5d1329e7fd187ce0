package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxSnapshot;

class SnapshotsTest {

    @Test
    void parsesTheFlagNamesLeavesOutRecentAndSharesTheColumns() {
        MessageTable table = new MessageTable(new long[] {4, 7}, new int[] {1, 0},
                List.of(List.of("\\Recent"), List.of("\\Seen", "\\Recent", "$Work")),
                new long[] {40, 70}, new long[] {400, 700});

        MailboxSnapshot snapshot = Snapshots.of(12, table);

        assertThat(snapshot.uidValidity()).isEqualTo(12);
        assertThat(snapshot.flags(0)).containsExactlyInAnyOrder(Flag.SEEN, Flag.of("$Work"));
        assertThat(snapshot.flags(1)).isEmpty();
        assertThat(snapshot.uids()).isSameAs(table.uids());
        assertThat(snapshot.flagSetIds()).isSameAs(table.flagSetIds());
        assertThat(snapshot.internalDates()).isSameAs(table.internalDates());
        assertThat(snapshot.sizes()).isSameAs(table.sizes());
    }
}
