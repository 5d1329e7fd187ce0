package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * A session with QRESYNC enabled on a real Dovecot 2.3, where every expunge is reported as
 * {@code * VANISHED uids} instead of {@code * n EXPUNGE} (RFC 7162 section 3.2.10): everything the
 * run does after such a report still works, and the message count stays right. Angus 2.0.4's own
 * folder throws on a VANISHED of several UIDs; {@link VanishedSafeFolder} is what these tests prove.
 */
@Tag("dovecot")
class QresyncDovecotIT {
    private final Dovecot dovecot = Dovecot.get();
    private String user;

    @BeforeEach
    void newUser() {
        user = dovecot.newUser("qr");
        dovecot.writeMaildir(user, "INBOX", IntStream.rangeClosed(1, 12).mapToObj(i -> TestMessage.of("m" + i))
                .toList());
    }

    private ImapConnection connect() throws ImapException {
        return ImapConnection.connect(dovecot.settings(user, ConnectionSettings.Security.NONE));
    }

    @Test
    void copiesGuardedStoresMovesAndExpungesWorkAfterVanishedAndTheCountStaysRight() throws Exception {
        int angusCount;
        try (ImapConnection c = connect()) {
            angusCount = scenario(c, true);
        }
        assertOutcome();
        assertThat(dovecot.rawCommands(user)).anyMatch(l -> l.endsWith(" ENABLE QRESYNC"))
                .anyMatch(l -> l.matches("\\S+ UID FETCH 1:12 \\(UID FLAGS\\) \\(CHANGEDSINCE \\d+ VANISHED\\)"));

        // The same without QRESYNC (EXPUNGE responses): the same outcome, and Angus's own message count
        // is just as stale, so nothing may rely on it after SELECT (mailtidy keeps its own).
        newUser();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(), Set.of("QRESYNC"));
             ImapConnection c = ImapConnection.connect(ConnectionSettings.login("127.0.0.1", proxy.port(),
                     ConnectionSettings.Security.NONE, user, Dovecot.password(user)))) {
            assertThat(scenario(c, false)).isEqualTo(angusCount);
        }
        assertOutcome();
        assertThat(dovecot.rawCommands(user)).noneMatch(l -> l.contains("QRESYNC"));
    }

    /**
     * Another client expunges 1 and 2 and flags 5 after the table was read; then this session copies,
     * stores (5 is refused by its guard), moves three and expunges two. Returns Angus's message count.
     */
    private int scenario(ImapConnection c, boolean qresync) throws Exception {
        c.createIfMissing("Dest");
        SelectedMailbox m = c.select("INBOX", false);
        assertThat(m.qresync()).isEqualTo(qresync);
        assertThat(m.folder()).isInstanceOf(VanishedSafeFolder.class);
        long selectModSeq = m.highestModSeq();
        assertThat(m.fetchTable().uids()).hasSize(12);
        dovecot.expunge(user, "INBOX", "1:2");
        dovecot.addFlags(user, "INBOX", 5, "$Other");

        CopiedUids copied = m.copy(new long[] {3, 4}, "Dest");
        assertThat(copied.source()).containsExactly(3, 4);
        assertThat(copied.target()).containsExactly(1, 2);
        assertThat(m.exists()).isEqualTo(10);
        // The CONDSTORE guard still refuses the message another client changed.
        assertThat(m.store(new long[] {5, 6}, StoreMode.ADD, List.of("$Mine"))).containsExactly(5);
        m.move(new long[] {7, 8, 9}, "Dest");
        assertThat(m.exists()).isEqualTo(7);
        m.store(new long[] {10, 11}, StoreMode.ADD, List.of("\\Deleted"));
        m.uidExpunge(new long[] {10, 11});
        assertThat(m.exists()).isEqualTo(5);
        assertThat(m.fetchTable().uids()).containsExactly(3, 4, 5, 6, 12);
        if (qresync) {
            ChangesSince changes = m.fetchChangesSince(12, selectModSeq);
            assertThat(UIDSet.toArray(toUidSets(changes.vanished()))).containsExactly(1, 2, 7, 8, 9, 10, 11);
            assertThat(changes.flags().uids()).containsExactlyInAnyOrder(5, 6);
        }
        return m.folder().getMessageCount();
    }

    private void assertOutcome() {
        assertThat(dovecot.fetch(user, "INBOX")).extracting(StoredMessage::uid).containsExactly(3L, 4L, 5L, 6L, 12L);
        assertThat(flags(5)).contains("$Other").doesNotContain("$Mine");
        assertThat(flags(6)).contains("$Mine");
        assertThat(dovecot.fetch(user, "Dest")).hasSize(5);
    }

    @Test
    void anIdleWatchHearsNewMailAfterAnotherClientExpungedSeveralMessages() throws Exception {
        List<MailWatch.Change> changes = new CopyOnWriteArrayList<>();
        try (ImapConnection c = connect()) {
            MailWatch[] watch = new MailWatch[1];
            watch[0] = MailWatch.idling(c, "INBOX", change -> {
                changes.add(change);
                if (watch[0] != null) {
                    watch[0].wake();
                }
            });
            dovecot.expunge(user, "INBOX", "2:5");
            dovecot.append(user, "INBOX", TestMessage.of("new").toBytes());
            watch[0].idle(Duration.ofSeconds(20));
            watch[0].noop();
        }
        assertThat(changes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(changes.get(changes.size() - 1).mailbox()).isEqualTo("INBOX");
        assertThat(dovecot.fetch(user, "INBOX")).hasSize(9);
    }

    private java.util.Set<String> flags(long uid) {
        return dovecot.fetch(user, "INBOX").stream().filter(s -> s.uid() == uid).findFirst().orElseThrow().flags();
    }

    private static UIDSet[] toUidSets(long[] ranges) {
        List<UIDSet> sets = new ArrayList<>();
        for (int i = 0; i + 1 < ranges.length; i += 2) {
            sets.add(new UIDSet(ranges[i], ranges[i + 1]));
        }
        return sets.toArray(UIDSet[]::new);
    }
}
