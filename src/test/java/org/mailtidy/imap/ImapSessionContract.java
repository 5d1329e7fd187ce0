package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.MailServer;
import org.mailtidy.testsupport.PlainImapClient;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * What a mailbox run needs from an IMAP session ({@link ImapConnection}, {@link SelectedMailbox}),
 * checked on every real server by one small subclass each. Where a server legitimately differs, an
 * overridable method below says how, so the difference is asserted, never skipped; a capability the
 * server lacks is asserted absent and the fallback the engine uses is tested instead.
 */
abstract class ImapSessionContract {
    static final Instant MARCH_10 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH_15 = Instant.parse("2026-03-15T12:00:00Z");
    static final Instant MARCH_20 = Instant.parse("2026-03-20T12:00:00Z");

    /** The server under test (started on first use). */
    abstract MailServer server();

    // ---- how servers legitimately differ (docs/servers.md) ----

    /** Whether the server announces CONDSTORE (RFC 7162), so that stores are guarded. */
    boolean hasCondstore() {
        return true;
    }

    /** Whether the server announces MOVE (RFC 6851); without it a move is COPY + \Deleted + UID EXPUNGE. */
    boolean hasMove() {
        return true;
    }

    /**
     * Whether {@code FROM "alice"} finds a message from {@code Alice <alice@example.org>}: RFC 3501
     * says substring; GreenMail compares whole addresses.
     */
    boolean fromMatchesSubstrings() {
        return true;
    }

    /** Whether {@code ON date} finds the messages of that day (GreenMail's never matches). */
    boolean onMatches() {
        return true;
    }

    /** The server's own name for a mailbox written relative to the personal namespace with {@code /}. */
    String serverName(String mailbox) {
        return mailbox;
    }

    /** How many distinct keywords one mailbox can hold (Cyrus: 100); no limit seen elsewhere. */
    int keywordsPerMailbox() {
        return Integer.MAX_VALUE;
    }

    /**
     * Whether SELECT and EXAMINE report UIDNEXT (RFC 3501 requires it); where not, {@link
     * SelectedMailbox#uidNext()} is -1 and {@code STATUS (UIDNEXT)} still answers.
     */
    boolean reportsUidNextOnSelect() {
        return true;
    }

    // ---- the contract ----

    @Test
    void connectsLogsInAndRefusesAWrongPassword() throws Exception {
        String user = server().newUser("session");
        try (ImapConnection c = connect(user)) {
            assertThat(c.isAlive()).isTrue();
            assertThat(c.capabilities()).contains("IMAP4REV1", "UIDPLUS");
            assertThat(c.hasCapability("condstore")).isEqualTo(hasCondstore());
            assertThat(c.hasCapability("move")).isEqualTo(hasMove());
            assertThat(c.description()).contains(user).doesNotContain(secret(user));
        }
        ConnectionSettings s = server().settings(user);
        ConnectionSettings wrong = new ConnectionSettings(s.host(), s.port(), s.security(), s.username(),
                () -> "not-" + secret(user), s.mechanism(), s.caFile(), s.connectTimeout(), s.readTimeout(),
                s.limits());
        assertThatThrownBy(() -> ImapConnection.connect(wrong))
                .isInstanceOf(ImapException.AuthenticationFailed.class)
                .message().doesNotContain("not-" + secret(user));
    }

    @Test
    void listsWithWildcardsAndNamesRelativeToThePersonalNamespace() throws Exception {
        String user = server().newUser("list");
        server().createMailbox(user, "Archive");
        try (ImapConnection c = connect(user)) {
            c.createIfMissing("Lists/dev");
            c.createIfMissing("Lists/announce");

            assertThat(c.list("*")).contains("INBOX", "Archive", "Lists/dev", "Lists/announce")
                    .allSatisfy(n -> assertThat(n).doesNotStartWith("INBOX.").doesNotStartWith("INBOX/"));
            assertThat(c.list("Lists/*")).containsExactlyInAnyOrder("Lists/dev", "Lists/announce");
            assertThat(c.list("Lists/d*")).containsExactly("Lists/dev");
            assertThat(c.list("%")).contains("INBOX", "Archive").doesNotContain("Lists/dev", "Lists/announce");
            assertThat(c.list("Nothing/*")).isEmpty();
            assertThat(c.list("INBOX")).containsExactly("INBOX");
        }
        // another client sees them under the server's own names
        try (PlainImapClient other = otherClient(user)) {
            for (String name : List.of("Lists/dev", "Lists/announce", "Archive")) {
                assertThat(other.command("LIST \"\" " + PlainImapClient.mailboxName(serverName(name))))
                        .as("LIST of %s (%s)", name, serverName(name)).hasSize(1);
            }
        }
    }

    @Test
    void selectAndExamineReportUidValidityAndUidNext() throws Exception {
        String user = server().newUser("select");
        server().load(user, "INBOX", List.of(TestMessage.of("one"), TestMessage.of("two"), TestMessage.of("three")));
        server().createMailbox(user, "Archive");
        long maxUid = server().fetch(user, "INBOX").stream().mapToLong(StoredMessage::uid).max().orElseThrow();
        try (ImapConnection c = connect(user)) {
            long archiveNext = c.uidNext("Archive");
            assertThat(c.uidNext("INBOX")).as("STATUS INBOX (UIDNEXT)").isGreaterThan(maxUid);
            long validity;
            try (SelectedMailbox box = c.select("INBOX", true)) {
                assertThat(box.readOnly()).isTrue();
                assertThat(box.exists()).isEqualTo(3);
                assertThat(box.uidValidity()).isPositive();
                assertUidNext(box, maxUid);
                validity = box.uidValidity();
                assertThatThrownBy(() -> box.store(new long[] {maxUid}, StoreMode.ADD, List.of("\\Flagged")))
                        .isInstanceOf(ImapException.class).hasMessageContaining("read-only");
                assertThatThrownBy(() -> box.uidExpunge(new long[] {maxUid}))
                        .isInstanceOf(ImapException.class).hasMessageContaining("read-only");
            }
            try (SelectedMailbox box = c.select("INBOX", false)) {
                assertThat(box.readOnly()).isFalse();
                assertThat(box.uidValidity()).isEqualTo(validity);
                assertThat(box.exists()).isEqualTo(3);
                assertUidNext(box, maxUid);
            }
            try (SelectedMailbox archive = c.select("Archive", false)) {
                assertThat(archive.exists()).isZero();
                assertThat(archive.uidNext()).isEqualTo(reportsUidNextOnSelect() ? archiveNext : -1);
                assertThat(archive.fetchTable().size()).isZero();
            }
        }
        assertThat(server().fetch(user, "INBOX")).allSatisfy(m -> assertThat(m.flags()).doesNotContain("\\Flagged"));
    }

    @Test
    void theMessageTableIsWhatWasLoaded() throws Exception {
        String user = server().newUser("table");
        List<TestMessage> loaded = List.of(
                TestMessage.of("plain").withInternalDate(MARCH_10),
                TestMessage.of("seen and flagged").withInternalDate(MARCH_15).withFlags("\\Seen", "\\Flagged"),
                TestMessage.of("answered with keyword").withInternalDate(MARCH_20).withFlags("\\Answered", "Work")
                        .withBody("A longer body.\r\n".repeat(40)),
                TestMessage.of("deleted draft").withInternalDate(MARCH_20.plus(3, ChronoUnit.HOURS))
                        .withFlags("\\Deleted", "\\Draft"));
        server().load(user, "INBOX", loaded);
        List<StoredMessage> stored = stored(user, "INBOX");

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", true)) {
            MessageTable table = box.fetchTable();

            assertThat(table.uids()).containsExactly(stored.stream().mapToLong(StoredMessage::uid).toArray());
            for (int i = 0; i < loaded.size(); i++) {
                TestMessage m = loaded.get(i);
                assertThat(Set.copyOf(table.flags(i))).as("flags of %s", m.subject()).isEqualTo(m.flags());
                assertThat(table.internalDates()[i]).as("INTERNALDATE of %s", m.subject())
                        .isEqualTo(m.internalDate().toEpochMilli());
                assertThat(table.sizes()[i]).as("RFC822.SIZE of %s", m.subject()).isEqualTo(m.toBytes().length);
            }
            long second = table.uids()[1];
            MessageTable tail = box.fetchTable(second + 1);
            assertThat(tail.uids()).containsExactly(Arrays.copyOfRange(table.uids(), 2, 4));
            assertThat(box.fetchTable(table.uids()[3] + 1).size()).as("n:* past the last UID names no row").isZero();
        }
    }

    @Test
    void uidSearchFindsWhatEachCriterionSays() throws Exception {
        String user = server().newUser("search");
        List<TestMessage> loaded = List.of(
                TestMessage.of("Quarterly report").withInternalDate(MARCH_10)
                        .withHeaders("X-Mailer: mutt 2.2").withBody("the needle is here\r\n"),
                TestMessage.of("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=").withInternalDate(MARCH_15)
                        .withFrom("Carol <carol@example.net>").withFlags("\\Flagged", "Work"),
                TestMessage.of("lunch").withInternalDate(MARCH_20).withFlags("\\Seen")
                        .withHeaders("X-Mailer: Thunderbird"));
        server().load(user, "INBOX", loaded);
        long[] uid = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", true)) {
            Function<List<SearchArg>, long[]> search = program -> {
                try {
                    return box.uidSearch(program, false);
                } catch (ImapException e) {
                    throw new AssertionError(program + ": " + e.getMessage(), e);
                }
            };
            assertThat(search.apply(List.of(atom("SUBJECT"), SearchArg.str("report")))).containsExactly(uid[0]);
            assertThat(search.apply(List.of(atom("BODY"), SearchArg.str("needle")))).containsExactly(uid[0]);
            assertThat(search.apply(List.of(atom("HEADER"), SearchArg.str("X-Mailer"), SearchArg.str("mutt"))))
                    .containsExactly(uid[0]);
            assertThat(search.apply(List.of(atom("HEADER"), SearchArg.str("X-Mailer"), SearchArg.str(""))))
                    .containsExactly(uid[0], uid[2]);
            assertThat(search.apply(List.of(atom("FLAGGED")))).containsExactly(uid[1]);
            assertThat(search.apply(List.of(atom("KEYWORD"), atom("Work")))).containsExactly(uid[1]);
            assertThat(search.apply(List.of(atom("UNSEEN")))).containsExactly(uid[0], uid[1]);
            assertThat(search.apply(List.of(atom("NOT"), atom("SEEN"), atom("NOT"), atom("FLAGGED"))))
                    .containsExactly(uid[0]);
            assertThat(search.apply(List.of(atom("SINCE"), atom("15-Mar-2026")))).containsExactly(uid[1], uid[2]);
            assertThat(search.apply(List.of(atom("BEFORE"), atom("15-Mar-2026")))).containsExactly(uid[0]);
            assertThat(search.apply(List.of(atom("ON"), atom("15-Mar-2026"))))
                    .containsExactly(onMatches() ? new long[] {uid[1]} : new long[0]);
            assertThat(search.apply(List.of(atom("FROM"), SearchArg.str("carol@example.net"))))
                    .containsExactly(uid[1]);
            assertThat(search.apply(List.of(atom("FROM"), SearchArg.str("alice"))))
                    .containsExactly(fromMatchesSubstrings() ? new long[] {uid[0], uid[2]} : new long[0]);
            // non-ASCII: sent as a literal with CHARSET UTF-8, matched against the decoded RFC 2047 subject
            assertThat(search.apply(List.of(atom("SUBJECT"), SearchArg.str("Köln")))).containsExactly(uid[1]);
            assertThat(box.uidSearch(List.of(atom("SUBJECT"), SearchArg.str("lunch")), true))
                    .containsExactly(uid[2]);
            assertThat(search.apply(List.of(atom("SUBJECT"), SearchArg.str("nothing like it")))).isEmpty();
            assertThat(box.uidSearch(List.of(atom("ALL")), false, uid)).satisfies(bits ->
                    assertThat(bits.cardinality()).isEqualTo(3));
        }
    }

    @Test
    void headerFieldsComeUnfoldedAndDecoded() throws Exception {
        String user = server().newUser("headers");
        server().load(user, "INBOX", List.of(
                TestMessage.of("=?ISO-8859-1?Q?caf=E9?= and =?UTF-8?B?w6lsw6hyZQ==?=")
                        .withFrom("=?UTF-8?Q?J=C3=BCrgen?= <juergen@example.org>")
                        .withHeaders("List-Id: a very long list description\r\n\tfolded onto\r\n  three lines"
                                + " <dev.lists.example.org>", "Received: from a", "Received: from b"),
                TestMessage.of("plain")));
        long[] uids = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", true)) {
            Map<Long, Map<String, List<String>>> fields = box.fetchHeaderFields(uids,
                    List.of("Subject", "From", "List-Id", "Received", "X-Absent"));

            assertThat(fields).containsOnlyKeys(uids[0], uids[1]);
            Map<String, List<String>> first = fields.get(uids[0]);
            assertThat(first.get("Subject")).containsExactly("café and élère");
            assertThat(first.get("From")).containsExactly("Jürgen <juergen@example.org>");
            assertThat(first.get("List-Id"))
                    .containsExactly("a very long list description folded onto three lines <dev.lists.example.org>");
            assertThat(first.get("Received")).containsExactly("from a", "from b");
            assertThat(first.get("X-Absent")).isEmpty();
            assertThat(fields.get(uids[1]).get("Subject")).containsExactly("plain");
            assertThat(fields.get(uids[1]).get("List-Id")).isEmpty();
            assertThat(box.fetchMessageIds(uids)).hasSize(2).allSatisfy((u, id) -> assertThat(id).startsWith("<"));
        }
        assertThat(server().fetch(user, "INBOX")).as("BODY.PEEK sets no \\Seen")
                .allSatisfy(m -> assertThat(m.flags()).doesNotContain("\\Seen"));
    }

    @Test
    void storeAddsRemovesAndReplacesFlags() throws Exception {
        String user = server().newUser("store");
        server().load(user, "INBOX", List.of(
                TestMessage.of("a").withFlags("\\Seen"),
                TestMessage.of("b").withFlags("\\Seen", "Work"),
                TestMessage.of("c")));
        long[] u = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            assertThat(box.conditionalStores()).isEqualTo(hasCondstore());
            assertThat(box.store(new long[] {u[0], u[2]}, StoreMode.ADD, List.of("\\Flagged", "Todo"))).isEmpty();
            assertThat(box.store(new long[] {u[0], u[1]}, StoreMode.REMOVE, List.of("\\Seen"))).isEmpty();
            assertThat(box.store(new long[] {u[1]}, StoreMode.REPLACE, List.of("\\Answered", "Done"))).isEmpty();

            MessageTable after = box.fetchTable();
            assertThat(Set.copyOf(after.flags(0))).isEqualTo(Set.of("\\Flagged", "Todo"));
            assertThat(Set.copyOf(after.flags(1))).isEqualTo(Set.of("\\Answered", "Done"));
            assertThat(Set.copyOf(after.flags(2))).isEqualTo(Set.of("\\Flagged", "Todo"));
        }
        assertThat(flagsByUid(user, "INBOX")).isEqualTo(Map.of(
                u[0], Set.of("\\Flagged", "Todo"), u[1], Set.of("\\Answered", "Done"),
                u[2], Set.of("\\Flagged", "Todo")));
    }

    /**
     * 60 new keywords on one message, then 60 more on another: kept where the mailbox can hold 120;
     * where it cannot, the STORE that goes past the limit fails as an {@link ImapException} (the run
     * stops with the server's reason) and what was stored before stays.
     */
    @Test
    void keywordsAreStoredUpToWhatTheMailboxHolds() throws Exception {
        String user = server().newUser("keywords");
        server().load(user, "INBOX", List.of(TestMessage.of("a"), TestMessage.of("b")));
        long[] u = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();
        List<String> first = keywords(1, 60);
        List<String> second = keywords(61, 120);

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            assertThat(box.canStoreAnyKeyword()).isTrue();
            assertThat(box.store(new long[] {u[0]}, StoreMode.ADD, first)).isEmpty();
            if (keywordsPerMailbox() >= 120) {
                assertThat(box.store(new long[] {u[1]}, StoreMode.ADD, second)).isEmpty();
            } else {
                assertThatThrownBy(() -> box.store(new long[] {u[1]}, StoreMode.ADD, second))
                        .isInstanceOf(ImapException.class);
            }
        }
        Map<Long, Set<String>> flags = flagsByUid(user, "INBOX");
        assertThat(flags.get(u[0])).isEqualTo(Set.copyOf(first));
        if (keywordsPerMailbox() >= 120) {
            assertThat(flags.get(u[1])).isEqualTo(Set.copyOf(second));
        } else {
            assertThat(flags.get(u[1])).hasSizeLessThanOrEqualTo(keywordsPerMailbox() - first.size())
                    .isSubsetOf(second);
        }
    }

    /**
     * With CONDSTORE a message another client changed after the session read it is refused (named in
     * the result) and the rest acknowledged; without it the store is unconditional: {@code +FLAGS}
     * keeps the other client's flag.
     */
    @Test
    void aStoreAfterAnotherClientsChangeIsGuardedWhereTheServerCan() throws Exception {
        String user = server().newUser("guard");
        server().load(user, "INBOX", List.of(TestMessage.of("a"), TestMessage.of("b"), TestMessage.of("c")));
        long[] u = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            server().addFlags(user, "INBOX", u[1], "\\Answered");

            long[] refused = box.store(u, StoreMode.ADD, List.of("\\Flagged"));

            if (hasCondstore()) {
                assertThat(box.conditionalStores()).isTrue();
                assertThat(box.unchangedSinceGuard(u[0])).isPositive();
                assertThat(refused).containsExactly(u[1]);
            } else {
                assertThat(c.hasCapability("CONDSTORE")).isFalse();
                assertThat(box.conditionalStores()).isFalse();
                assertThat(refused).isEmpty();
            }
        }
        Map<Long, Set<String>> flags = flagsByUid(user, "INBOX");
        assertThat(flags.get(u[0])).isEqualTo(Set.of("\\Flagged"));
        assertThat(flags.get(u[2])).isEqualTo(Set.of("\\Flagged"));
        assertThat(flags.get(u[1]))
                .isEqualTo(hasCondstore() ? Set.of("\\Answered") : Set.of("\\Answered", "\\Flagged"));
    }

    @Test
    void copyLeavesTheOriginalsAndReportsWhereTheCopiesWent() throws Exception {
        String user = server().newUser("copy");
        server().load(user, "INBOX", List.of(TestMessage.of("a").withMessageId("<a@copy>").withFlags("\\Seen"),
                TestMessage.of("b").withMessageId("<b@copy>"), TestMessage.of("c").withMessageId("<c@copy>")));
        server().createMailbox(user, "Archive");
        List<StoredMessage> before = stored(user, "INBOX");
        long[] chosen = {before.get(0).uid(), before.get(2).uid()};

        CopiedUids copied;
        long archiveValidity;
        try (ImapConnection c = connect(user)) {
            try (SelectedMailbox box = c.select("INBOX", false)) {
                copied = box.copy(chosen, "Archive");
            }
            try (SelectedMailbox archive = c.select("Archive", true)) {
                archiveValidity = archive.uidValidity();
            }
        }
        assertThat(stored(user, "INBOX")).isEqualTo(before);
        List<StoredMessage> archive = stored(user, "Archive");
        assertThat(archive).extracting(StoredMessage::messageId).containsExactly("<a@copy>", "<c@copy>");
        assertThat(archive.get(0).flags()).containsExactly("\\Seen");
        // every server here has UIDPLUS (Mailutils, which lacks it, is not in this contract)
        assertThat(copied.uidValidity()).isEqualTo(archiveValidity);
        assertThat(copied.targetBySource()).isEqualTo(Map.of(chosen[0], archive.get(0).uid(),
                chosen[1], archive.get(1).uid()));
    }

    /**
     * {@code UID MOVE} where the server has MOVE; where it has not, {@link SelectedMailbox#move} refuses
     * without sending anything, and the engine's fallback (RFC 6851 section 3.3: COPY, {@code \Deleted},
     * UID EXPUNGE of exactly those UIDs) gives the same final state.
     */
    @Test
    void moveOrItsFallbackPutsExactlyTheChosenMessagesElsewhere() throws Exception {
        String user = server().newUser("move");
        server().load(user, "INBOX", List.of(TestMessage.of("a").withMessageId("<a@move>"),
                TestMessage.of("b").withMessageId("<b@move>").withFlags("\\Flagged"),
                TestMessage.of("c").withMessageId("<c@move>")));
        server().createMailbox(user, "Archive");
        List<StoredMessage> before = stored(user, "INBOX");
        long[] chosen = {before.get(0).uid(), before.get(1).uid()};

        CopiedUids copied;
        long[] gone;
        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            if (c.hasCapability("MOVE")) {
                assertThat(hasMove()).as("the server announces MOVE").isTrue();
                Moved moved = box.move(chosen, "Archive");
                copied = moved.copied();
                gone = expand(moved.goneRanges());
            } else {
                assertThat(hasMove()).as("the server lacks MOVE").isFalse();
                assertThatThrownBy(() -> box.move(chosen, "Archive"))
                        .isInstanceOf(ImapException.MissingCapability.class);
                assertThat(stored(user, "INBOX")).as("a refused MOVE sends nothing").isEqualTo(before);
                assertThat(stored(user, "Archive")).isEmpty();

                copied = box.copy(chosen, "Archive");
                assertThat(box.store(chosen, StoreMode.ADD, List.of("\\Deleted"))).isEmpty();
                gone = expand(box.uidExpunge(chosen));
            }
            assertThat(gone).containsExactly(chosen);
            assertThat(box.exists()).isEqualTo(1);
        }
        assertThat(stored(user, "INBOX")).extracting(StoredMessage::messageId).containsExactly("<c@move>");
        List<StoredMessage> archive = stored(user, "Archive");
        assertThat(archive).extracting(StoredMessage::messageId).containsExactly("<a@move>", "<b@move>");
        assertThat(archive).extracting(StoredMessage::flags).containsExactly(Set.of(), Set.of("\\Flagged"));
        assertThat(copied.targetBySource()).isEqualTo(Map.of(chosen[0], archive.get(0).uid(),
                chosen[1], archive.get(1).uid()));
    }

    @Test
    void uidExpungeRemovesExactlyTheChosenUidsAndNotAnotherClientsDeletedMessage() throws Exception {
        String user = server().newUser("expunge");
        server().load(user, "INBOX", List.of(TestMessage.of("a").withMessageId("<a@x>"),
                TestMessage.of("b").withMessageId("<b@x>"), TestMessage.of("c").withMessageId("<c@x>"),
                TestMessage.of("d").withMessageId("<d@x>")));
        long[] u = stored(user, "INBOX").stream().mapToLong(StoredMessage::uid).toArray();

        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            server().addFlags(user, "INBOX", u[3], "\\Deleted");
            long[] chosen = {u[0], u[1]};
            // Another client's change reported in passing (Dovecot does) is not a refusal of this store:
            // store() names only UIDs it was given.
            assertThat(box.store(chosen, StoreMode.ADD, List.of("\\Deleted"))).isEmpty();

            assertThat(expand(box.uidExpunge(chosen))).containsExactly(chosen);
            assertThat(box.exists()).isEqualTo(2);
            assertThat(box.stillPresent(u)).containsExactly(u[2], u[3]);
        }
        List<StoredMessage> after = stored(user, "INBOX");
        assertThat(after).extracting(StoredMessage::messageId).containsExactly("<c@x>", "<d@x>");
        assertThat(after.get(1).flags()).contains("\\Deleted");
    }

    @Test
    void createIfMissingMakesANestedMailboxOnceAndKeepsItsMail() throws Exception {
        String user = server().newUser("create");
        server().load(user, "INBOX", List.of(TestMessage.of("receipt").withMessageId("<r@create>")));
        long uid = stored(user, "INBOX").get(0).uid();
        try (ImapConnection c = connect(user)) {
            c.createIfMissing("INBOX");
            c.createIfMissing("Receipts/2026");
            assertThat(c.list("Receipts/*")).containsExactly("Receipts/2026");
            try (SelectedMailbox box = c.select("INBOX", false)) {
                box.copy(new long[] {uid}, "Receipts/2026");
            }
            c.createIfMissing("Receipts/2026");
            assertThat(c.list("Receipts/*")).containsExactly("Receipts/2026");
            try (SelectedMailbox receipts = c.select("Receipts/2026", true)) {
                assertThat(receipts.exists()).isEqualTo(1);
                long only = receipts.fetchTable().uids()[0];
                assertThat(receipts.fetchMessageIds(new long[] {only})).containsValue("<r@create>");
            }
        }
        try (PlainImapClient other = otherClient(user)) {
            assertThat(other.fetchAll(serverName("Receipts/2026"))).extracting(StoredMessage::messageId)
                    .containsExactly("<r@create>");
        }
    }

    /**
     * The table FETCH and the searches written with the SELECT (docs/adr/0015) answer exactly what
     * the same session asks without them; a guess that does not match (other searches, another first
     * UID) is not used and the requests are sent as without it; a SELECT that fails with an opening
     * behind it fails as without, and the connection goes on.
     */
    @Test
    void anOpeningWrittenWithTheSelectAnswersOnlyTheRequestsItNamed() throws Exception {
        String user = server().newUser("opening");
        server().load(user, "INBOX", List.of(TestMessage.of("a").withFlags("\\Seen"),
                TestMessage.of("b").withFlags("\\Flagged"), TestMessage.of("c").withFlags("\\Seen", "\\Flagged"),
                TestMessage.of("d")));
        SearchRequest seen = new SearchRequest(List.of(new SearchArg.Atom("SEEN")), false);
        SearchRequest flagged = new SearchRequest(List.of(new SearchArg.Atom("FLAGGED")), false);
        SearchRequest unseen = new SearchRequest(List.of(new SearchArg.Atom("UNSEEN")), false);
        List<SearchRequest> asked = List.of(seen, flagged);

        List<String> rows;
        List<java.util.BitSet> answers;
        try (ImapConnection c = connect(user); SelectedMailbox box = c.select("INBOX", false)) {
            MessageTable table = box.fetchTable();
            rows = rows(table);
            answers = box.uidSearchAll(asked, table.uids());
        }
        assertThat(rows).hasSize(4);
        assertThat(answers).extracting(java.util.BitSet::cardinality).containsExactly(2, 2);

        for (Opening opening : List.of(new Opening(1, asked), new Opening(1, List.of(flagged, seen)),
                new Opening(1, List.of(unseen)), new Opening(2, asked), new Opening(0, asked))) {
            try (ImapConnection c = connect(user);
                 SelectedMailbox box = c.select("INBOX", false, opening)) {
                MessageTable table = box.fetchTable();
                assertThat(rows(table)).as("%s", opening).isEqualTo(rows);
                assertThat(box.uidSearchAll(asked, table.uids())).as("%s", opening).isEqualTo(answers);
                assertThat(box.uidSearch(unseen.program(), false, table.uids()).cardinality()).as("%s", opening)
                        .isEqualTo(2);
            }
        }

        try (ImapConnection c = connect(user)) {
            assertThatThrownBy(() -> c.select("Missing", false, new Opening(1, asked)))
                    .isInstanceOf(ImapException.class);
            try (SelectedMailbox box = c.select("INBOX", false, new Opening(1, asked))) {
                MessageTable table = box.fetchTable();
                assertThat(rows(table)).isEqualTo(rows);
                assertThat(box.uidSearchAll(asked, table.uids())).isEqualTo(answers);
            }
        }
    }

    // ---- helpers ----

    private static List<String> rows(MessageTable table) {
        return LongStream.range(0, table.size()).mapToObj(i -> table.uids()[(int) i] + " "
                + new java.util.TreeSet<>(table.flags((int) i)) + " " + table.internalDates()[(int) i] + " "
                + table.sizes()[(int) i]).toList();
    }

    private void assertUidNext(SelectedMailbox box, long maxUid) throws ImapException {
        if (reportsUidNextOnSelect()) {
            assertThat(box.uidNext()).isGreaterThan(maxUid);
        } else {
            assertThat(box.uidNext()).as("no UIDNEXT in the SELECT/EXAMINE answer").isEqualTo(-1);
        }
    }

    ImapConnection connect(String user) throws ImapException {
        return ImapConnection.connect(server().settings(user));
    }

    /** Another client of the same user, speaking plain IMAP with the server's own mailbox names. */
    PlainImapClient otherClient(String user) {
        ConnectionSettings s = server().settings(user);
        return PlainImapClient.login(s.host(), s.port(), s.username(), secret(user));
    }

    String secret(String user) {
        try {
            return server().settings(user).secret().call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture's view, in UID order. */
    List<StoredMessage> stored(String user, String mailbox) {
        return server().fetch(user, mailbox).stream().sorted(Comparator.comparingLong(StoredMessage::uid)).toList();
    }

    Map<Long, Set<String>> flagsByUid(String user, String mailbox) {
        return server().fetch(user, mailbox).stream()
                .collect(Collectors.toMap(StoredMessage::uid, StoredMessage::flags));
    }

    /** {@code Kw001} ... : keywords numbered {@code from} to {@code to}. */
    static List<String> keywords(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).mapToObj(i -> String.format("Kw%03d", i)).toList();
    }

    static SearchArg.Atom atom(String text) {
        return new SearchArg.Atom(text);
    }

    /** Ascending (first, last) pairs to the UIDs. */
    static long[] expand(long[] ranges) {
        LongStream.Builder out = LongStream.builder();
        for (int i = 0; i < ranges.length; i += 2) {
            for (long uid = ranges[i]; uid <= ranges[i + 1]; uid++) {
                out.add(uid);
            }
        }
        return out.build().toArray();
    }
}
