package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/** The IMAP layer against GreenMail 2.1.12 (no ESEARCH, no SPECIAL-USE; UIDPLUS and MOVE). */
class GreenMailImapTest {
    private static final GreenMailServer server = GreenMailServer.shared();
    private String user;

    @BeforeEach
    void newUser() {
        user = server.newUser("gm");
    }

    private ImapConnection connect() throws ImapException {
        return ImapConnection.connect(server.settings(user));
    }

    private static SearchArg.Atom atom(String s) {
        return new SearchArg.Atom(s);
    }

    @Test
    void logsInAndReadsCapabilities() throws Exception {
        try (ImapConnection c = connect()) {
            assertThat(c.hasCapability("uidplus")).isTrue();
            assertThat(c.hasCapability("MOVE")).isTrue();
            assertThat(c.hasCapability("ESEARCH")).isFalse();
            assertThat(c.isAlive()).isTrue();
        }
    }

    @Test
    void logsInWithXoauth2UsingTheTokenAsSecret() throws Exception {
        // GreenMail accepts XOAUTH2 with the user's password as the bearer token
        ConnectionSettings s = server.settings(user)
                .withSecret(() -> GreenMailServer.password(user), ConnectionSettings.Mechanism.XOAUTH2);
        try (ImapConnection c = ImapConnection.connect(s)) {
            assertThat(c.select("INBOX", true).exists()).isZero();
        }
        ConnectionSettings bad = server.settings(user)
                .withSecret(() -> "expired-token-123", ConnectionSettings.Mechanism.XOAUTH2);
        assertThatThrownBy(() -> ImapConnection.connect(bad))
                .isInstanceOf(ImapException.AuthenticationFailed.class).hasMessageNotContaining("expired-token-123");
    }

    @Test
    void wrongPasswordIsAClearAuthenticationErrorWithoutThePassword() {
        String wrong = "Wr0ng-Secret-42";
        var settings = org.mailtidy.imap.ConnectionSettings.login(server.host(), server.port(),
                ConnectionSettings.Security.NONE, user, wrong);
        assertThatThrownBy(() -> ImapConnection.connect(settings))
                .isInstanceOf(ImapException.AuthenticationFailed.class)
                .hasMessageContaining("login to " + user + "@127.0.0.1:" + server.port() + " failed")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void fetchTableReadsFlagsDatesAndSizesAndDropsRecent() throws Exception {
        Instant t1 = Instant.parse("2024-03-01T10:15:30Z");
        Instant t2 = Instant.parse("2025-01-02T03:04:05Z");
        server.append(user, "INBOX", TestMessage.of("one").withFlags("\\Seen", "$Junk").withInternalDate(t1));
        server.append(user, "INBOX", TestMessage.of("two").withInternalDate(t2));
        server.append(user, "INBOX", TestMessage.of("three").withFlags("\\Seen", "$Junk").withInternalDate(t2));
        try (ImapConnection c = connect()) {
            MessageTable t = c.select("INBOX", false).fetchTable();
            assertThat(t.uids()).containsExactly(1, 2, 3);
            assertThat(t.flags(0)).containsExactly("\\Seen", "$Junk");
            assertThat(t.flags(1)).isEmpty();
            assertThat(t.flagSets()).hasSize(2);
            assertThat(t.flagSetIds()[2]).isEqualTo(t.flagSetIds()[0]);
            assertThat(t.internalDates()).containsExactly(t1.toEpochMilli(), t2.toEpochMilli(), t2.toEpochMilli());
            assertThat(t.sizes()[0]).isBetween(200L, 400L);
            assertThat(c.counter().count("UID FETCH")).isEqualTo(1);
        }
    }

    @Test
    void emptyMailboxFetchesWithoutACommand() throws Exception {
        try (ImapConnection c = connect()) {
            MessageTable t = c.select("INBOX", false).fetchTable();
            assertThat(t.size()).isZero();
            assertThat(c.counter().count("UID FETCH")).isZero();
        }
    }

    @Test
    void plainUidSearchWithQuotedAndNonAsciiStrings() throws Exception {
        server.append(user, "INBOX", TestMessage.of("say \"hi\" to C:\\dir"));
        server.append(user, "INBOX", TestMessage.of("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?="));
        server.append(user, "INBOX", TestMessage.of("plain").withFlags("\\Seen"));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            assertThat(m.uidSearch(List.of(atom("SUBJECT"), new SearchArg.Str("\"hi\" to C:\\dir")), false))
                    .containsExactly(1);
            assertThat(m.uidSearch(List.of(atom("SUBJECT"), new SearchArg.Str("Grüße")), true)).containsExactly(2);
            assertThat(m.uidSearch(List.of(atom("NOT"), atom("("), atom("SEEN"), atom(")")), false))
                    .containsExactly(1, 2);
            assertThat(m.uidSearch(List.of(atom("ALL")), false)).containsExactly(1, 2, 3);
            assertThat(c.counter().count("UID SEARCH")).isEqualTo(4);
        }
    }

    @Test
    void plainSearchAnswerLandsOnTheSnapshotIndexes() throws Exception {
        for (int i = 1; i <= 6; i++) {
            server.append(user, "INBOX", i % 2 == 0 ? TestMessage.of("m" + i).withFlags("\\Seen") : TestMessage.of("m" + i));
        }
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            // UIDs 5 and 6 play mail that arrived after the snapshot was fetched
            long[] snapshot = {1, 2, 3, 4};
            assertThat(m.uidSearch(List.of(atom("SEEN")), false, snapshot)).isEqualTo(BitSet.valueOf(new long[] {0b1010}));
            assertThat(m.uidSearch(List.of(atom("ALL")), false, snapshot)).isEqualTo(BitSet.valueOf(new long[] {0b1111}));
            assertThat(m.uidSearch(List.of(atom("KEYWORD"), atom("None")), false, snapshot)).isEqualTo(new BitSet());
        }
    }

    @Test
    void storeAddsRemovesAndReplacesFlagsAndKeywords() throws Exception {
        server.append(user, "INBOX", TestMessage.of("a").withFlags("\\Flagged", "Old"));
        server.append(user, "INBOX", TestMessage.of("b"));
        server.append(user, "INBOX", TestMessage.of("c").withFlags("\\Seen"));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            m.store(new long[] {1, 2}, StoreMode.ADD, List.of("\\Seen", "$Label1"));
            m.store(new long[] {1}, StoreMode.REMOVE, List.of("\\Flagged"));
            m.store(new long[] {3}, StoreMode.REPLACE, List.of("Archived"));
            assertThat(c.counter().count("UID STORE")).isEqualTo(3);
        }
        assertThat(server.fetch(user, "INBOX")).extracting(StoredMessage::flags).containsExactly(
                java.util.Set.of("\\Seen", "$Label1", "Old"), java.util.Set.of("\\Seen", "$Label1"),
                java.util.Set.of("Archived"));
    }

    @Test
    void copyMoveAndUidExpungeOnlyTheGivenUids() throws Exception {
        server.createMailbox(user, "Archive");
        for (int i = 1; i <= 5; i++) {
            server.append(user, "INBOX", TestMessage.of("m" + i));
        }
        server.addFlags(user, "INBOX", 5, "\\Deleted");   // another client's \Deleted
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", false);
            m.copy(new long[] {1}, "Archive");
            m.move(new long[] {2}, "Archive");
            m.store(new long[] {3}, StoreMode.ADD, List.of("\\Deleted"));
            m.uidExpunge(new long[] {3});
        }
        assertThat(server.fetch(user, "INBOX")).extracting(StoredMessage::uid).containsExactly(1L, 4L, 5L);
        assertThat(server.fetch(user, "Archive")).hasSize(2);
    }

    @Test
    void listsWithWildcardsAndTranslatesTheSeparator() throws Exception {
        server.createMailbox(user, "Archive");
        server.createMailbox(user, "Archive.2024");
        server.createMailbox(user, "Other");
        try (ImapConnection c = connect()) {
            assertThat(c.separator()).isEqualTo('.');
            assertThat(c.list("Archive/*")).containsExactly("Archive/2024");
            assertThat(c.list("%")).contains("INBOX", "Archive", "Other").doesNotContain("Archive/2024");
            assertThat(c.specialUse("\\Trash")).isEmpty();
            c.createIfMissing("Archive/2025");
            c.createIfMissing("Archive/2025");
            assertThat(c.list("Archive/*")).containsExactlyInAnyOrder("Archive/2024", "Archive/2025");
            assertThat(c.counter().count("CREATE")).isEqualTo(1);
        }
    }

    @Test
    void fetchesHeaderFieldsUnfoldedAndDecoded() throws Exception {
        server.append(user, "INBOX", TestMessage.of("x").withFrom("=?UTF-8?Q?J=C3=BCrgen?= <j@x.example>")
                .withHeaders("X-Tag: one", "X-Tag: two,\r\n  folded"));
        server.append(user, "INBOX", TestMessage.of("y"));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", true);
            Map<Long, Map<String, List<String>>> h = m.fetchHeaderFields(new long[] {1, 2}, List.of("From", "X-Tag"));
            assertThat(h.get(1L).get("from")).containsExactly("Jürgen <j@x.example>");
            assertThat(h.get(1L).get("X-TAG")).containsExactly("one", "two, folded");
            assertThat(h.get(2L).get("X-Tag")).isEmpty();
            assertThat(m.fetchMessageIds(new long[] {2})).containsOnlyKeys(2L);
        }
    }

    @Test
    void examinedMailboxRefusesChangesAndSendsNothing() throws Exception {
        server.append(user, "INBOX", TestMessage.of("a"));
        try (ImapConnection c = connect()) {
            SelectedMailbox m = c.select("INBOX", true);
            assertThat(m.readOnly()).isTrue();
            assertThatThrownBy(() -> m.store(new long[] {1}, StoreMode.ADD, List.of("\\Seen")))
                    .isInstanceOf(ImapException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> m.uidExpunge(new long[] {1})).isInstanceOf(ImapException.class);
            assertThat(c.counter().count("UID STORE")).isZero();
            assertThat(c.counter().count("EXAMINE")).isEqualTo(1);
        }
        assertThat(server.fetch(user, "INBOX").get(0).flags()).isEmpty();
    }

    @Test
    void fetchRawStreamsWholeMessagesWithoutSettingSeen() throws Exception {
        TestMessage msg = TestMessage.of("raw").withBody("body line\r\n");
        server.append(user, "INBOX", msg.withFlags("$Keep"));
        List<RawConsumer.RawMessage> got = new java.util.ArrayList<>();
        try (ImapConnection c = connect()) {
            c.select("INBOX", false).fetchRaw(new long[] {1}, got::add);
        }
        assertThat(got).hasSize(1);
        assertThat(got.get(0).uid()).isEqualTo(1);
        assertThat(got.get(0).flags()).containsExactly("$Keep");
        assertThat(new String(got.get(0).content(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("Subject: raw").endsWith("body line\r\n");
        assertThat(server.fetch(user, "INBOX").get(0).flags()).doesNotContain("\\Seen");
    }
}
