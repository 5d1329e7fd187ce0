package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * On a real Cyrus 3.6, which answers every {@code UID STORE … .SILENT} under CONDSTORE with an untagged
 * FETCH (FLAGS, UID, MODSEQ) per stored message: none of mailtidy's own stores is taken for another
 * client's change, while a real change by another client is still refused ({@code [MODIFIED]}).
 */
@Tag("cyrus")
class GuardedStoreCyrusIT {
    private final Cyrus cyrus = Cyrus.get();

    @Test
    void ownStoresAreNotRefusedAndAnotherClientsChangeIs() throws Exception {
        String user = cyrus.newUser("guard");
        cyrus.load(user, "INBOX", IntStream.rangeClosed(1, 6).mapToObj(i -> TestMessage.of("m" + i)
                .withMessageId("<m" + i + "@guard.test>")).toList());
        long[] all = {1, 2, 3, 4, 5, 6};

        long[] refusedOwn;
        long[] refusedAgain;
        long[] refusedAfterChange;
        long[] expunged;
        try (ImapConnection c = ImapConnection.connect(cyrus.settings(user))) {
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(m.conditionalStores()).isTrue();
            assertThat(m.fetchTable().uids()).containsExactly(all);

            refusedOwn = m.store(all, StoreMode.ADD, List.of("$A"));
            refusedAgain = m.store(all, StoreMode.ADD, List.of("\\Seen", "$B"));
            cyrus.addFlags(user, "INBOX", 2, "\\Flagged");
            refusedAfterChange = m.store(all, StoreMode.REMOVE, List.of("$A"));
            assertThat(m.store(new long[] {5, 6}, StoreMode.ADD, List.of("\\Deleted"))).isEmpty();
            expunged = m.uidExpunge(new long[] {5, 6});
        }

        assertThat(refusedOwn).isEmpty();
        assertThat(refusedAgain).isEmpty();
        assertThat(refusedAfterChange).containsExactly(2);
        assertThat(expunged).containsExactly(5, 6);
        Map<String, Set<String>> flags = cyrus.fetch(user, "INBOX").stream()
                .collect(Collectors.toMap(StoredMessage::messageId, StoredMessage::flags));
        assertThat(flags).containsOnlyKeys("<m1@guard.test>", "<m2@guard.test>", "<m3@guard.test>", "<m4@guard.test>");
        assertThat(flags.get("<m1@guard.test>")).containsExactlyInAnyOrder("\\Seen", "$B");
        assertThat(flags.get("<m2@guard.test>")).containsExactlyInAnyOrder("\\Seen", "$A", "$B", "\\Flagged");
        assertThat(flags.get("<m4@guard.test>")).containsExactlyInAnyOrder("\\Seen", "$B");
    }
}
