package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * On a real Dovecot, which gives every STORE command one mod-sequence: a STORE the line limit splits
 * into pieces gets several, and while no other client changed anything they do not split later
 * STOREs by guard. Once another client did, its message is still refused and per-message guards
 * take over.
 */
@Tag("dovecot")
class ModSeqGuardsDovecotIT {
    private static final int MESSAGES = 4000;
    private final Dovecot dovecot = Dovecot.get();

    @Test
    void piecesOfEarlierStoresDoNotSplitLaterOnesUntilAnotherClientChangesAMessage() throws Exception {
        String user = dovecot.newUser("modseq");
        Instant day = Instant.parse("2026-03-02T10:00:00Z");
        dovecot.writeMaildir(user, "INBOX", IntStream.rangeClosed(1, MESSAGES)
                .mapToObj(i -> TestMessage.of("m" + i).withInternalDate(day)).toList());
        // Every other UID: a set far beyond one 8000-octet command line.
        long[] odd = LongStream.rangeClosed(1, MESSAGES).filter(u -> u % 2 == 1).toArray();
        long[] all = LongStream.rangeClosed(1, MESSAGES).toArray();

        long[] refusedAfterChange;
        long[] refusedLater;
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user, ConnectionSettings.Security.NONE))) {
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(m.conditionalStores()).isTrue();
            assertThat(m.fetchTable().uids()).hasSize(MESSAGES);

            assertThat(m.store(odd, StoreMode.ADD, List.of("$A"))).isEmpty();
            long pieces = c.counter().count("UID STORE");
            assertThat(pieces).as("split by the line limit").isGreaterThan(1);
            assertThat(m.store(odd, StoreMode.ADD, List.of("$B"))).isEmpty();
            assertThat(c.counter().count("UID STORE")).as("the same pieces, not one per guard").isEqualTo(2 * pieces);
            assertThat(m.store(all, StoreMode.ADD, List.of("$C"))).isEmpty();
            assertThat(c.counter().count("UID STORE")).as("1:%d in one command", MESSAGES).isEqualTo(2 * pieces + 1);

            dovecot.addFlags(user, "INBOX", 3, "$Other");
            refusedAfterChange = m.store(odd, StoreMode.REPLACE, List.of("$D"));
            refusedLater = m.store(odd, StoreMode.ADD, List.of("$E"));
        }

        assertThat(refusedAfterChange).containsExactly(3);
        assertThat(refusedLater).containsExactly(3);
        Map<String, Set<Long>> guards = guardsByFlags(dovecot.rawCommands(user));
        assertThat(guards.get("+FLAGS.SILENT ($A)")).hasSize(1);
        assertThat(guards.get("+FLAGS.SILENT ($B)")).as("one guard for all pieces").hasSize(1);
        assertThat(guards.get("+FLAGS.SILENT ($C)")).hasSize(1);
        assertThat(guards.get("FLAGS.SILENT ($D)")).hasSize(1);
        assertThat(guards.get("+FLAGS.SILENT ($E)")).as("per-message guards after another client's change")
                .hasSizeGreaterThan(1);

        Map<Long, Set<String>> flags = dovecot.fetch(user, "INBOX").stream()
                .collect(Collectors.toMap(StoredMessage::uid, StoredMessage::flags));
        assertThat(flags.get(3L)).as("another client's change is not overwritten")
                .containsExactlyInAnyOrder("$A", "$B", "$C", "$Other");
        assertThat(flags.get(1L)).containsExactlyInAnyOrder("$D", "$E");
        assertThat(flags.get(MESSAGES - 1L)).containsExactlyInAnyOrder("$D", "$E");
        assertThat(flags.get((long) MESSAGES)).containsExactlyInAnyOrder("$C");
    }

    /** The distinct UNCHANGEDSINCE values of the UID STOREs, by what they stored. */
    private static Map<String, Set<Long>> guardsByFlags(List<String> commands) {
        return commands.stream().filter(l -> l.matches("\\S+ UID STORE \\S+ \\(UNCHANGEDSINCE \\d+\\) .*"))
                .collect(Collectors.groupingBy(l -> l.replaceFirst(".*\\(UNCHANGEDSINCE \\d+\\) ", ""),
                        Collectors.mapping(l -> Long.parseLong(l.replaceAll(".*UNCHANGEDSINCE (\\d+).*", "$1")),
                                Collectors.toSet())));
    }

    @Test
    void ourOwnMoveAndExpungeUnderQresyncKeepTheOneGuard() throws Exception {
        String user = dovecot.newUser("modseqmv");
        dovecot.writeMaildir(user, "INBOX", IntStream.rangeClosed(1, 8).mapToObj(i -> TestMessage.of("m" + i)).toList());
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user, ConnectionSettings.Security.NONE))) {
            c.createIfMissing("Dest");
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(m.qresync()).isTrue();
            m.fetchTable();
            m.store(new long[] {1, 2, 3, 4}, StoreMode.ADD, List.of("$A"));
            m.move(new long[] {1, 2}, "Dest");
            m.store(new long[] {3, 4}, StoreMode.ADD, List.of("\\Deleted"));
            m.uidExpunge(new long[] {3});
            m.store(new long[] {4, 5, 6}, StoreMode.ADD, List.of("$B"));
            m.store(new long[] {4, 5, 6, 7}, StoreMode.ADD, List.of("$C"));
        }

        Map<String, Set<Long>> guards = guardsByFlags(dovecot.rawCommands(user));
        assertThat(guards.get("+FLAGS.SILENT ($B)")).as("%s", guards).hasSize(1);
        assertThat(guards.get("+FLAGS.SILENT ($C)")).as("%s", guards).hasSize(1);
        assertThat(guards.get("+FLAGS.SILENT ($C)").iterator().next())
                .isGreaterThan(guards.get("+FLAGS.SILENT ($B)").iterator().next());
    }
}
