package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.engine.cache.MailboxCache;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * The mailbox cache (issue 6) on a real Dovecot, which has CONDSTORE and ESEARCH: runs with the
 * cache end exactly as runs without it, an unchanged mailbox costs a few hundred bytes, and a cache
 * that no longer fits the mailbox is noticed and replaced by a full fetch.
 */
@Tag("dovecot")
class MailboxCacheDovecotIT {
    private static final String[] MAILBOXES = {"INBOX", "Trash", "Archive", "Receipts", "Lists/dev"};
    private static final String FULL_FETCH = "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)";
    /**
     * Regex rules whose candidates change between rounds: the other client sets $Todo, \\Flagged and
     * \\Answered, the rules set and clear flags, so later runs need regex outcomes of old messages
     * that no earlier run evaluated; one rule has a regex known for a message while its other is not.
     * Unlike the reference rules, no regex rule here looks at every message.
     */
    private static final String REGEX_CANDIDATE_RULES = """
            rules:
              - name: todo-billing
                match: {keyword: $Todo, from_regex: '(?i)billing@'}
                add_flags: [$Bill]
              - name: flagged-or-answered-notes
                match:
                  any:
                    - {flagged: true, subject_regex: '[02468]$'}
                    - {answered: true, from_regex: '(?i)alice', not: {subject_regex: '^Weekly'}}
                add_flags: [$Notes]
              - name: unflag-read-meetings
                match: {keyword: $Notes, seen: true, subject_regex: '^Meeting'}
                remove_flags: [\\Flagged]
              - name: unread-spam
                match: {seen: false, header_regex: {X-Spam-Score: '^[5-9]'}}
                trash: true
              - name: todo-invoices-done
                match: {keyword: $Todo, seen: true, subject_regex: '(?i)invoice'}
                remove_flags: [$Todo]
                copy_to: Receipts
            """;

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void roundsOfOtherClientsChangesEndTheSameWithAndWithoutTheCache() throws Exception {
        TreeSet<Long> laterFetched = roundsEndTheSame("twin", EngineReferenceDovecotIT.RULES);
        assertThat(audit(temp.resolve("audit-on.jsonl"))).hasSizeGreaterThan(100);
        assertThat(laterFetched.first()).as("only new mail: every old message was fetched in the first round")
                .isGreaterThan(300L);
    }

    @Test
    void roundsWithRegexCandidatesThatChangeEndTheSameWithAndWithoutTheCache() throws Exception {
        TreeSet<Long> laterFetched = roundsEndTheSame("candidates", REGEX_CANDIDATE_RULES);
        assertThat(laterFetched.headSet(300L, true)).as("first-round messages that became candidates later")
                .isNotEmpty();
    }

    /**
     * Four rounds of another client's changes and runs of the rules, on twin users with and without
     * the cache; returns the UIDs whose header fields the cached runs fetched after the first round.
     */
    private TreeSet<Long> roundsEndTheSame(String name, String rules) throws Exception {
        String cached = dovecot.newUser(name + "-cache-on");
        String plain = dovecot.newUser(name + "-cache-off");
        List<SampleMail.Sample> samples = SampleMail.generate(400, "twin");
        for (String user : List.of(cached, plain)) {
            dovecot.writeMaildir(user, "INBOX", samples.subList(0, 300).stream().map(SampleMail.Sample::raw).toList());
            dovecot.createMailbox(user, "Trash");
        }
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        Random random = new Random(6);
        int next = 300;
        for (int round = 0; round < 4; round++) {
            if (round > 0) {
                next = otherClient(random, List.of(cached, plain), samples, next);
            }
            RunResult withCache = run(cached, state, temp.resolve("audit-on.jsonl"), rules);
            // The twin keeps its copy record (a copy rule copies once) but never a cache.
            RunResult without = run(plain, EndToEnd.withoutCache(temp.resolve("state-off")),
                    temp.resolve("audit-off.jsonl"), rules);

            String where = "round " + round;
            assertThat(withCache.error()).as(where).isEmpty();
            assertThat(without.error()).as(where).isEmpty();
            assertThat(withCache.messages()).as(where).isEqualTo(without.messages());
            assertThat(withCache.ruleStats()).as(where).isEqualTo(without.ruleStats());
            assertThat(withCache.planned()).as(where).isEqualTo(without.planned());
            for (String mailbox : MAILBOXES) {
                assertThat(listing(cached, mailbox)).as(where + " " + mailbox).isEqualTo(listing(plain, mailbox));
            }
            assertThat(audit(temp.resolve("audit-on.jsonl"))).as(where).isEqualTo(audit(temp.resolve("audit-off.jsonl")));
        }
        assertThat(audit(temp.resolve("audit-on.jsonl"))).hasSizeGreaterThan(40);
        assertThat(state.get().mailboxFile("cache", "test", "INBOX", ".bin")).isRegularFile();
        List<String> withCacheWire = dovecot.rawCommands(cached);
        assertThat(withCacheWire).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(1);
        // Dovecot has QRESYNC: expunges come with the flag changes, no search for which messages exist.
        assertThat(withCacheWire).filteredOn(l -> l.contains("(CHANGEDSINCE ") && l.endsWith(" VANISHED)")).hasSize(3);
        assertThat(withCacheWire).noneMatch(l -> l.contains("UID SEARCH RETURN (ALL) UID 1:"));
        assertThat(dovecot.rawCommands(plain)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(4)
                .noneMatch(l -> l.contains("CHANGEDSINCE"));
        // A message's header fields are fetched once: later rounds fetch new mail and new candidates.
        List<List<MailboxCacheRegexDovecotIT.HeaderFetch>> cachedFetches =
                MailboxCacheRegexDovecotIT.headerFetchesPerRun(dovecot, cached);
        List<List<MailboxCacheRegexDovecotIT.HeaderFetch>> plainFetches =
                MailboxCacheRegexDovecotIT.headerFetchesPerRun(dovecot, plain);
        TreeSet<Long> laterFetched = new TreeSet<>();
        for (int round = 1; round < 4; round++) {
            TreeSet<Long> named = MailboxCacheRegexDovecotIT.uids(cachedFetches.get(round));
            int namedWithout = MailboxCacheRegexDovecotIT.uids(plainFetches.get(round)).size();
            System.out.printf("%s round %d: header FETCH names %d UIDs with the cache, %d without%n", name, round,
                    named.size(), namedWithout);
            assertThat(named).as("round %d", round).isNotEmpty().hasSizeLessThan(namedWithout / 2);
            laterFetched.addAll(named);
        }
        return laterFetched;
    }

    @Test
    void anUnchangedMailboxOfThreeThousandMessagesCostsOneSearchAndAFewHundredBytes() throws Exception {
        String user = dovecot.newUser("cache-steady");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(3000, user).stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        String rules = """
                rules:
                  - {name: invoices, match: {subject: invoice}, add_flags: [\\Flagged]}
                  - {name: news, match: {from: newsletter@, seen: false, older_than: 30d}, add_flags: [\\Seen]}
                  - {name: recent, match: {sent_newer_than: 60d, larger: 1KB}, add_flags: [Fresh]}
                """;
        RunResult full = run(user, state, rules);
        RunResult ownChanges = run(user, state, rules);
        RunResult unchanged = run(user, state, rules);

        assertThat(List.of(full, ownChanges, unchanged)).allSatisfy(r -> assertThat(r.error()).isEmpty());
        assertThat(full.ruleStats().stream().mapToInt(s -> s.flagsChanged()).sum()).isGreaterThan(300);
        assertThat(ownChanges.ruleStats()).isEqualTo(unchanged.ruleStats());
        assertThat(unchanged.ruleStats().stream().mapToInt(s -> s.flagsChanged()).sum()).isZero();
        assertThat(unchanged.messages()).isEqualTo(3000);
        // SELECT (ENABLE QRESYNC is the connection's, written at login): HIGHESTMODSEQ as cached, so
        // nothing changed or vanished.
        assertThat(unchanged.commands()).isEqualTo(Map.of("SELECT", 1L));
        assertThat(ownChanges.commands()).containsEntry("UID FETCH", 1L).doesNotContainKey("UID SEARCH");

        dovecot.rawCommands(user); // waits until Dovecot has written the session logs
        List<Long> received = dovecot.bytesSentByServer(user);
        assertThat(received).hasSize(3);
        System.out.printf("mailbox cache, 3000 messages: server sent %d bytes (full), %d (own changes), %d (unchanged)%n",
                received.get(0), received.get(1), received.get(2));
        assertThat(received.get(0)).isGreaterThan(300_000);
        assertThat(received.get(2)).isLessThan(4_000);
    }

    @Test
    void aNewUidValidityMeansAFullFetchAndTheRightResult() throws Exception {
        String user = dovecot.newUser("cache-uidvalidity");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        dovecot.writeMaildir(user, "Box", withFiller(TestMessage.of("invoice 1"), TestMessage.of("other 2"),
                TestMessage.of("invoice 3")));
        assertThat(runBox(user, state).error()).isEmpty();
        dovecot.deleteMailbox(user, "Box");
        dovecot.writeMaildir(user, "Box", withFiller(TestMessage.of("other 1"), TestMessage.of("invoice 2"),
                TestMessage.of("other 3"), TestMessage.of("invoice 4")));
        dovecot.updateMailbox(user, "Box", "--uid-validity", "77");

        RunResult second = runBox(user, state);

        assertThat(second.error()).isEmpty();
        assertThat(flagged(user)).containsExactly(2L, 4L);
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(2)
                .noneMatch(l -> l.contains("CHANGEDSINCE"));
    }

    @Test
    void anAccountNowPointingAtAnotherLoginDoesNotReuseTheCacheEvenWithTheSameUidValidity() throws Exception {
        String before = dovecot.newUser("cache-moved-a");
        String after = dovecot.newUser("cache-moved-b");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        dovecot.writeMaildir(before, "Box", withFiller(TestMessage.of("invoice 1"), TestMessage.of("other 2")));
        dovecot.writeMaildir(after, "Box", withFiller(TestMessage.of("other 1"), TestMessage.of("invoice 2")));
        dovecot.updateMailbox(before, "Box", "--uid-validity", "5");
        dovecot.updateMailbox(after, "Box", "--uid-validity", "5");
        assertThat(runBox(before, state).error()).isEmpty();

        RunResult second = runBox(after, state);

        assertThat(second.error()).isEmpty();
        assertThat(flagged(after)).containsExactly(2L);
        assertThat(dovecot.rawCommands(after)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(1);
    }

    @Test
    void aCacheFromAHigherModSeqThanTheServersIsDiscarded() throws Exception {
        String user = dovecot.newUser("cache-backup");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        dovecot.writeMaildir(user, "Box", withFiller(TestMessage.of("invoice 1"), TestMessage.of("other 2")));
        assertThat(runBox(user, state).error()).isEmpty();
        Path file = state.get().mailboxFile("cache", "test", "Box", ".bin");
        MailboxCache read = MailboxCache.read(file, 0);
        assertThat(read.searches()).containsOnlyKeys("SUBJECT \"invoice\"");
        // As if the mailbox were restored from a backup older than the cache: a mod-sequence the
        // server never reached, and a cached answer that, if used, would flag message 2 too.
        new MailboxCache(read.server(), read.uidValidity(), read.highestModSeq() + 1000, read.maxUid(), read.table(),
                Map.of("SUBJECT \"invoice\"", new long[] {1, 2}), Map.of()).write(file);

        RunResult second = runBox(user, state);

        assertThat(second.error()).isEmpty();
        assertThat(flagged(user)).containsExactly(1L);
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(2)
                .noneMatch(l -> l.contains("CHANGEDSINCE"));
        assertThat(MailboxCache.read(file, 0).highestModSeq()).isLessThan(read.highestModSeq() + 1000);
    }

    @Test
    void aCorruptCacheFileIsDeletedAndReplacedAfterAFullFetch() throws Exception {
        String user = dovecot.newUser("cache-corrupt");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        dovecot.writeMaildir(user, "Box", withFiller(TestMessage.of("invoice 1"), TestMessage.of("other 2")));
        assertThat(runBox(user, state).error()).isEmpty();
        Path file = state.get().mailboxFile("cache", "test", "Box", ".bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        dovecot.append(user, "Box", TestMessage.of("invoice 3").toBytes());

        RunResult second = runBox(user, state);

        assertThat(second.error()).isEmpty();
        assertThat(flagged(user)).containsExactly(1L, 103L);
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(2);
        assertThat(MailboxCache.read(file, 0).table().size()).isEqualTo(103);
    }

    @Test
    void aDryRunExaminesWithCondstoreAndUsesTheCacheToo() throws Exception {
        String user = dovecot.newUser("cache-dry");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(200, user).stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        Config config = config(user, EngineReferenceDovecotIT.RULES);

        RunResult first = once(config, state, Optional.empty(), true).get(0);
        RunResult second = once(config, state, Optional.empty(), true).get(0);

        assertThat(first.error()).isEmpty();
        assertThat(second.error()).isEmpty();
        assertThat(second.planned()).isEqualTo(first.planned()).isNotEmpty();
        assertThat(second.ruleStats()).isEqualTo(first.ruleStats());
        assertThat(second.commands()).containsEntry("EXAMINE", 1L).doesNotContainKey("SELECT")
                .doesNotContainKey("UID FETCH"); // the regex outcomes are cached too
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(1);
    }

    /** Another client flags, expunges and delivers the same way in every mailbox; returns the next sample. */
    private int otherClient(Random random, List<String> users, List<SampleMail.Sample> samples, int next) {
        List<StoredMessage> inbox = dovecot.fetch(users.get(0), "INBOX");
        assertThat(dovecot.fetch(users.get(1), "INBOX")).extracting(StoredMessage::uid)
                .isEqualTo(inbox.stream().map(StoredMessage::uid).toList());
        String[][] flags = {{"\\Seen"}, {"\\Flagged"}, {"$Todo"}, {"\\Deleted", "\\Flagged"}, {"\\Answered"}};
        for (StoredMessage m : inbox) {
            int dice = random.nextInt(100);
            for (String user : users) {
                if (dice < 6) {
                    dovecot.addFlags(user, "INBOX", m.uid(), flags[dice % flags.length]);
                } else if (dice < 8) {
                    dovecot.expunge(user, "INBOX", m.uid());
                }
            }
        }
        for (int i = 0; i < 25; i++, next++) {
            for (String user : users) {
                dovecot.append(user, "INBOX", samples.get(next).raw().toBytes());
            }
        }
        return next;
    }

    private RunResult run(String user, Optional<StateDir> state, Path audit, String rules) throws Exception {
        return once(config(user, rules), state, Optional.of(new AuditLog(audit))).get(0);
    }

    private RunResult run(String user, Optional<StateDir> state, String rules) throws Exception {
        return once(config(user, rules), state, Optional.empty()).get(0);
    }

    private RunResult runBox(String user, Optional<StateDir> state) throws Exception {
        Config config = config(user, """
                rules:
                  - {name: invoices, match: {subject: invoice}, add_flags: [\\Flagged], mailboxes: [Box]}
                """);
        return EndToEnd.result(once(config, state, Optional.empty()), "Box");
    }

    /** The messages, then 100 that no rule matches: mailboxes below {@link IncrementalObservation#MIN_MESSAGES} have no cache. */
    private static List<TestMessage> withFiller(TestMessage... first) {
        List<TestMessage> out = new ArrayList<>(List.of(first));
        for (int i = 0; i < IncrementalObservation.MIN_MESSAGES; i++) {
            out.add(TestMessage.of("note " + i));
        }
        return out;
    }

    @Test
    void aSmallMailboxIsFetchedWholeAndGetsNoCache() throws Exception {
        String user = dovecot.newUser("cache-small");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        dovecot.writeMaildir(user, "Box", List.of(TestMessage.of("invoice 1"), TestMessage.of("other 2")));
        assertThat(runBox(user, state).error()).isEmpty();
        assertThat(runBox(user, state).error()).isEmpty();
        assertThat(flagged(user)).containsExactly(1L);
        assertThat(state.get().mailboxFile("cache", "test", "Box", ".bin")).doesNotExist();
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.endsWith(FULL_FETCH)).hasSize(2);
    }

    private List<Long> flagged(String user) {
        return dovecot.fetch(user, "Box").stream().filter(m -> m.flags().contains("\\Flagged"))
                .map(StoredMessage::uid).toList();
    }

    private static List<RunResult> once(Config config, Optional<StateDir> state, Optional<AuditLog> audit)
            throws InterruptedException {
        return once(config, state, audit, false);
    }

    private static List<RunResult> once(Config config, Optional<StateDir> state, Optional<AuditLog> audit,
                                        boolean dryRun) throws InterruptedException {
        RunSettings settings = new RunSettings(dryRun, 100_000, Optional.empty(), false, audit, ZoneOffset.UTC,
                Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), state);
        return new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null));
    }

    private Config config(String user, String rules) throws Exception {
        return EndToEnd.dovecotConfig(dovecot, user, false, rules);
    }

    /** UID, flags and Message-ID of every message: the twins' mailboxes must match exactly. */
    private List<String> listing(String user, String mailbox) {
        return dovecot.fetch(user, mailbox).stream()
                .map(m -> m.uid() + " " + new java.util.TreeSet<>(m.flags()) + " " + m.messageId()).toList();
    }

    /**
     * The audit lines without what differs between two users or runs: the time, the run id, the
     * UIDVALIDITYs and the mod-sequence (a cached run sends other commands).
     */
    private static List<String> audit(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceFirst("\"time\":\"[^\"]*\",", "").replaceFirst("\"uidvalidity\":\\d+,", "")
                        .replaceFirst("\"run\":\"[^\"]*\",", "")
                        .replaceFirst("\"destination_uidvalidity\":\\d+,", "")
                        .replaceFirst("\"modseq\":\\d+", ""))
                .toList();
    }
}
