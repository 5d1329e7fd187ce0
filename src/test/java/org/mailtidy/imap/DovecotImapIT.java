package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/** The IMAP layer against a real Dovecot 2.3: ESEARCH, line limits, special-use, rawlog checks. */
@Tag("dovecot")
class DovecotImapIT {
    private final Dovecot dovecot = Dovecot.get();
    private String user;

    @BeforeEach
    void newUser() {
        user = dovecot.newUser("dc");
    }

    private ImapConnection connect() throws ImapException {
        return ImapConnection.connect(dovecot.settings(user, ConnectionSettings.Security.NONE));
    }

    private static SearchArg.Atom atom(String s) {
        return new SearchArg.Atom(s);
    }

    private static List<TestMessage> messages(int n, Instant start) {
        List<TestMessage> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TestMessage m = TestMessage.of("message " + i).withInternalDate(start.plusSeconds(60L * i));
            if (i % 3 == 0) {
                m = m.withFlags("\\Seen");
            }
            if (i % 5 == 0) {
                m = m.withFlags("\\Seen", "$Junk");
            }
            list.add(m);
        }
        return list;
    }

    private List<String> rawLines(String verb) {
        return dovecot.rawCommands(user).stream().filter(l -> l.matches("^\\S+ " + verb + " .*"))
                .collect(Collectors.toList());
    }

    @Test
    void fetchTableReadsTenThousandMessagesInOneCommand() throws Exception {
        Instant start = Instant.parse("2023-05-01T00:00:00Z");
        List<TestMessage> msgs = messages(10_000, start);
        dovecot.writeMaildir(user, "INBOX", msgs);
        MessageTable t;
        try (ImapConnection c = connect()) {
            long before = System.nanoTime();
            t = c.select("INBOX", false).fetchTable();
            assertThat((System.nanoTime() - before) / 1_000_000).as("ms for 10,000 messages").isLessThan(10_000);
            assertThat(c.counter().count("UID FETCH")).isEqualTo(1);
        }
        assertThat(t.size()).isEqualTo(10_000);
        assertThat(t.flagSets()).hasSize(3);
        for (int i = 0; i < 10_000; i += 997) {
            TestMessage m = msgs.get(i);
            assertThat(t.uids()[i]).isEqualTo(i + 1);
            assertThat(Set.copyOf(t.flags(i))).isEqualTo(m.flags());
            assertThat(t.internalDates()[i]).isEqualTo(m.internalDate().toEpochMilli());
            assertThat(t.sizes()[i]).isEqualTo(m.toBytes().length);
        }
        assertThat(rawLines("UID FETCH")).containsExactly(
                rawLines("UID FETCH").get(0).split(" ")[0] + " UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)");
    }

    @Test
    void searchUsesEsearchAndUtf8Literals() throws Exception {
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("a").withFlags("\\Seen"), TestMessage.of("b").withFlags("\\Seen"),
                TestMessage.of("c"), TestMessage.of("d").withFlags("\\Seen"),
                TestMessage.of("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from J\"x\\y").withFrom("=?UTF-8?Q?J=C3=BCrgen?= <j@x.example>")));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(m.uidSearch(List.of(atom("SEEN")), false)).containsExactly(1, 2, 4);
            assertThat(m.uidSearch(List.of(atom("FROM"), new SearchArg.Str("Jürgen")), true)).containsExactly(5);
            assertThat(m.uidSearch(List.of(atom("SUBJECT"), new SearchArg.Str("J\"x\\y")), false)).containsExactly(5);
            assertThat(m.uidSearch(List.of(atom("OR"), atom("("), atom("UNSEEN"), atom(")"), atom("SUBJECT"),
                    new SearchArg.Str("grüße")), true)).containsExactly(3, 5);
            assertThat(m.uidSearch(List.of(atom("KEYWORD"), atom("Nothing")), false)).isEmpty();
        }
        List<String> searches = rawLines("UID SEARCH");
        assertThat(searches.get(0)).endsWith("UID SEARCH RETURN (ALL) SEEN");
        assertThat(searches.get(1)).endsWith("UID SEARCH RETURN (ALL) CHARSET UTF-8 FROM {7+}");
        assertThat(searches.get(2)).endsWith("UID SEARCH RETURN (ALL) SUBJECT \"J\\\"x\\\\y\"");
    }

    @Test
    void esearchRangesLandOnTheSnapshotIndexes() throws Exception {
        Instant start = Instant.parse("2023-05-01T00:00:00Z");
        List<TestMessage> msgs = messages(3_000, start);
        dovecot.writeMaildir(user, "INBOX", msgs);
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            // every other UID, so the server's ranges span UIDs the snapshot does not hold; none above 2,000
            long[] snapshot = LongStream.rangeClosed(1, 2_000).filter(u -> u % 2 == 1).toArray();
            BitSet seen = m.uidSearch(List.of(atom("SEEN")), false, snapshot);
            BitSet junk = m.uidSearch(List.of(atom("KEYWORD"), atom("$Junk")), false, snapshot);
            BitSet expectedSeen = new BitSet();
            BitSet expectedJunk = new BitSet();
            for (int i = 0; i < snapshot.length; i++) {
                TestMessage msg = msgs.get((int) snapshot[i] - 1);
                expectedSeen.set(i, msg.flags().contains("\\Seen"));
                expectedJunk.set(i, msg.flags().contains("$Junk"));
            }
            assertThat(seen).isEqualTo(expectedSeen);
            assertThat(junk).isEqualTo(expectedJunk);
            assertThat(seen.cardinality()).isGreaterThan(junk.cardinality()).isPositive();
            assertThat(m.uidSearch(List.of(atom("KEYWORD"), atom("Nothing")), false, snapshot)).isEqualTo(new BitSet());
        }
        assertThat(rawLines("UID SEARCH")).allMatch(l -> l.contains("UID SEARCH RETURN (ALL) "));
    }

    @Test
    void storeOverAHugeSparseSetIsSplitUnderTheLineLimit() throws Exception {
        List<TestMessage> msgs = new ArrayList<>();
        for (int i = 0; i < 24_000; i++) {
            msgs.add(TestMessage.of("m" + i).withMessageId("<" + i + "@big>"));
        }
        dovecot.writeMaildir(user, "INBOX", msgs);
        long[] odd = LongStream.rangeClosed(1, 24_000).filter(u -> u % 2 == 1).toArray();
        assertThat(LongStream.of(odd).mapToObj(Long::toString).collect(Collectors.joining(",")).length())
                .isGreaterThan(64 * 1024);
        long commands;
        try (ImapConnection c = connect()) {
            c.select("INBOX", false).store(odd, StoreMode.ADD, List.of("\\Flagged", "Tagged"));
            commands = c.counter().count("UID STORE");
        }
        List<String> stores = rawLines("UID STORE");
        assertThat(stores).hasSize((int) commands);
        assertThat(commands).isBetween(2L, 20L);
        assertThat(stores).allSatisfy(line -> assertThat(line.length()).isLessThan(8_000));
        List<StoredMessage> stored = dovecot.fetch(user, "INBOX");
        assertThat(stored).hasSize(24_000);
        assertThat(stored).allSatisfy(s -> assertThat(s.flags().contains("Tagged")).isEqualTo(s.uid() % 2 == 1));
    }

    @Test
    void copyAndMoveToANonAsciiNameWithSpacesAndExpungeOnlyOwnUids() throws Exception {
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("1"), TestMessage.of("2"), TestMessage.of("3"),
                TestMessage.of("4"), TestMessage.of("5")));
        dovecot.addFlags(user, "INBOX", 5, "\\Deleted");
        String target = "Ablage/Entwürfe & Co";
        try (ImapConnection c = connect()) {
            c.createIfMissing(target);
            assertThat(c.list("Ablage/*")).containsExactly(target);
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(c.uidNext(target)).isEqualTo(1);
            CopiedUids copied = m.copy(new long[] {1, 4}, target);
            assertThat(copied.source()).containsExactly(1, 4);
            assertThat(copied.target()).containsExactly(1, 2);
            assertThat(copied.uidValidity()).isPositive();
            assertThat(c.uidNext(target)).isEqualTo(3);
            m.move(new long[] {2}, target);
            m.store(new long[] {3}, StoreMode.ADD, List.of("\\Deleted"));
            m.uidExpunge(new long[] {3});
            assertThat(m.exists()).isEqualTo(3);
        }
        assertThat(dovecot.fetch(user, "INBOX")).extracting(StoredMessage::uid).containsExactly(1L, 4L, 5L);
        assertThat(dovecot.fetch(user, target)).hasSize(3);
        assertThat(dovecot.rawCommands(user)).anyMatch(l -> l.endsWith("UID MOVE 2 \"Ablage.Entw&APw-rfe &- Co\""));
        assertThat(rawLines("UID EXPUNGE")).hasSize(1).allMatch(l -> l.endsWith("UID EXPUNGE 3"));
    }

    @Test
    void findsTheTrashBySpecialUseAndListsWithWildcards() throws Exception {
        dovecot.createMailbox(user, "Projects/A");
        dovecot.createMailbox(user, "Projects/B/Deep");
        try (ImapConnection c = connect()) {
            assertThat(c.hasCapability("SPECIAL-USE")).isTrue();
            assertThat(c.specialUse("\\Trash")).contains("Trash");
            assertThat(c.specialUse("\\Archive")).isEmpty();
            // Projects/B exists only as the parent of Deep (\\Noselect / \\NonExistent), so it is left out
            assertThat(c.list("Projects/%")).containsExactly("Projects/A");
            assertThat(c.list("Projects/*")).containsExactlyInAnyOrder("Projects/A", "Projects/B/Deep");
            assertThat(c.list("*")).contains("INBOX", "Trash");
        }
    }

    @Test
    void fetchesRepeatedAbsentEncodedAndEightBitHeaders() throws Exception {
        byte[] latin1 = ("From: x@example.org\r\nSubject: Gr\u00fc\u00dfe latin\r\nMessage-ID: <l1@t>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("Grüße utf8")
                .withFrom("=?UTF-8?Q?J=C3=BCrgen?= <j@x.example>")
                .withHeaders("Received: from a", "Received: from b\r\n\tby c")));
        dovecot.append(user, "INBOX", latin1);
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", true);
            Map<Long, Map<String, List<String>>> h = m.fetchHeaderFields(new long[] {1, 2, 99},
                    List.of("From", "Subject", "Received", "List-Id"));
            assertThat(h).containsOnlyKeys(1L, 2L);
            assertThat(h.get(1L).get("From")).containsExactly("Jürgen <j@x.example>");
            assertThat(h.get(1L).get("Subject")).containsExactly("Grüße utf8");
            assertThat(h.get(1L).get("Received")).containsExactly("from a", "from b by c");
            assertThat(h.get(1L).get("List-Id")).isEmpty();
            assertThat(h.get(2L).get("Subject")).containsExactly("Grüße latin");
            assertThat(m.fetchMessageIds(new long[] {2})).containsEntry(2L, "<l1@t>");
        }
    }

    @Test
    void examineIsReadOnlyAndAStoreAttemptChangesNothing() throws Exception {
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("a")));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", true);
            assertThatThrownBy(() -> m.store(new long[] {1}, StoreMode.ADD, List.of("\\Seen")))
                    .isInstanceOf(ImapException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> m.move(new long[] {1}, "Trash")).isInstanceOf(ImapException.class);
            assertThat(m.fetchTable().flags(0)).isEmpty();
        }
        assertThat(dovecot.fetch(user, "INBOX").get(0).flags()).isEmpty();
        assertThat(dovecot.rawCommands(user)).anyMatch(l -> l.contains(" EXAMINE INBOX"))
                .noneMatch(l -> l.matches("\\S+ (UID )?(STORE|MOVE) .*"));
    }

    @Test
    void aServerRefusalKeepsTheServerText() throws Exception {
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("a")));
        try (ImapConnection c = connect()) {
            assertThatThrownBy(() -> c.select("Does/Not/Exist", false)).isInstanceOf(ImapException.class)
                    .hasMessageContaining("Does/Not/Exist");
            SelectedMailbox m = c.select("INBOX", false);
            assertThatThrownBy(() -> m.copy(new long[] {1}, "Missing"))
                    .isInstanceOfSatisfying(ImapException.NoResponse.class,
                            e -> assertThat(e.serverResponse()).contains("TRYCREATE"));
        }
    }
}
