package org.mailtidy.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.SearchArg;

/** The script itself: without misbehaviour a client gets through a whole mailbox run. */
class HostileImapServerTest {
    @Test
    void withoutMisbehaviourTheServerIsPlausible() throws Exception {
        try (HostileImapServer server = HostileImapServer.start(HostileImapServer.Behaviour.NONE);
             ImapConnection c = ImapConnection.connect(server.settings());
             SelectedMailbox box = c.select("INBOX", false)) {
            assertThat(box.exists()).isEqualTo(HostileImapServer.MESSAGES);
            assertThat(box.uidValidity()).isEqualTo(HostileImapServer.UID_VALIDITY);
            MessageTable table = box.fetchTable();
            assertThat(table.uids()).containsExactly(1L, 2L, 3L);
            assertThat(box.uidSearch(List.of(new SearchArg.Atom("ALL")), false)).containsExactly(1L, 2L, 3L);
            assertThat(box.fetchMessageIds(new long[] {1, 2})).containsEntry(2L, "<2@hostile.test>");
            assertThat(server.misbehaved()).isFalse();
        }
    }
}
