package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;

/**
 * The mailbox cache refreshed with QRESYNC (RFC 7162 section 3.2.6) on a real Dovecot, in a mailbox
 * with a hole after every message (half of 3,000 expunged): an unchanged mailbox costs SELECT and
 * nothing else, the refresh names exactly what another client expunged and flagged, and the run's own
 * moves, copies and deletes, answered with VANISHED instead of EXPUNGE, end as without the cache.
 */
@Tag("dovecot")
class MailboxCacheQresyncDovecotIT {
    private static final int MESSAGES = 3000;
    private static final String[] MAILBOXES = {"INBOX", "Archive", "Receipts", "Trash"};
    private static final String FLAG_RULES = """
            rules:
              - {name: receipts, match: {subject: receipt}, add_flags: [\\Flagged]}
              - {name: reports, match: {subject: quarterly, larger: 1KB}, add_flags: [Report]}
            """;
    private static final String MOVE_RULES = FLAG_RULES + """
              - {name: dev, match: {subject: release}, move_to: Archive}
              - {name: keep-receipts, match: {subject: receipt, received_since: 2026-06-01}, copy_to: Receipts}
              - {name: old-news, match: {from: newsletter@, older_than: 700d}, delete: true}
            """;
    private static final Pattern VANISHED = Pattern.compile("^\\* VANISHED \\(EARLIER\\) (\\S+)$");
    private static final Pattern FLAGS_FETCH = Pattern.compile("^\\* \\d+ FETCH \\(.*\\bUID (\\d+)\\b.*\\bFLAGS \\(.*");

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void aMailboxFullOfHolesIsRefreshedFromModSequencesAloneAndEndsAsWithoutTheCache() throws Exception {
        String cached = dovecot.newUser("qresync-on");
        String plain = dovecot.newUser("qresync-off");
        holes(cached);
        holes(plain);
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));

        RunResult full = twins(cached, plain, state, FLAG_RULES, "full");
        RunResult ownChanges = twins(cached, plain, state, FLAG_RULES, "own changes");
        RunResult unchanged = twins(cached, plain, state, FLAG_RULES, "unchanged");
        for (String user : List.of(cached, plain)) {
            dovecot.expunge(user, "INBOX", "1,3,2999");
            dovecot.addFlags(user, "INBOX", 5, "$Other");
            dovecot.addFlags(user, "INBOX", 7, "\\Answered");
        }
        RunResult afterOthers = twins(cached, plain, state, FLAG_RULES, "after another client");
        Set<Long> beforeMoves = uids(cached, "INBOX");
        RunResult moving = twins(cached, plain, state, MOVE_RULES, "moves and deletes");
        Set<Long> ownRemovals = new HashSet<>(beforeMoves);
        ownRemovals.removeAll(uids(cached, "INBOX"));
        RunResult afterMoves = twins(cached, plain, state, MOVE_RULES, "after own moves");

        assertThat(full.ruleStats().stream().mapToInt(RuleStats::flagsChanged).sum()).isGreaterThan(100);
        assertThat(unchanged.messages()).isEqualTo(MESSAGES / 2);
        // ENABLE QRESYNC is the connection's (written at login), not the run's
        assertThat(unchanged.commands()).isEqualTo(Map.of("SELECT", 1L));
        assertThat(afterOthers.messages()).isEqualTo(MESSAGES / 2 - 3);
        assertThat(moving.ruleStats()).filteredOn(s -> s.rule().equals("old-news")).singleElement()
                .satisfies(s -> assertThat(s.deleted()).isGreaterThan(10));
        assertThat(ownRemovals).hasSizeGreaterThan(100);
        assertThat(afterMoves.messages()).isEqualTo(afterOthers.messages() - ownRemovals.size());

        List<String> commands = dovecot.rawCommands(cached);
        assertThat(commands).filteredOn(l -> l.endsWith(" ENABLE QRESYNC")).hasSize(6);
        assertThat(commands).noneMatch(l -> l.contains("UID SEARCH RETURN (ALL) UID 1:"));
        List<List<String>> sent = sessions(cached, ".in");
        List<List<String>> answered = sessions(cached, ".out");
        assertThat(sent).hasSize(6);
        assertThat(sent.get(1)).anyMatch(l -> l.matches("\\S+ UID FETCH 1:\\d+ \\(UID FLAGS\\) \\(CHANGEDSINCE \\d+ VANISHED\\)"));
        assertThat(ownChanges.commands()).containsEntry("UID FETCH", 1L).doesNotContainKey("UID SEARCH");
        // Unchanged: HIGHESTMODSEQ as cached, so nothing is asked at all.
        assertThat(sent.get(2)).noneMatch(l -> l.contains(" UID "));
        // Another client's changes: exactly those three expunges and two flag changes.
        assertThat(vanished(answered.get(3))).containsExactly(1L, 3L, 2999L);
        assertThat(flagsFetched(answered.get(3))).containsExactlyInAnyOrder(5L, 7L);
        // The run's own moves and deletes (answered with VANISHED during that run) come back as vanished.
        assertThat(answered.get(4)).anyMatch(l -> l.matches("\\* VANISHED \\d.*"))
                .noneMatch(l -> l.matches("\\* \\d+ EXPUNGE"));
        assertThat(vanished(answered.get(5))).containsExactlyInAnyOrderElementsOf(ownRemovals);

        List<Long> bytes = answered.stream().map(MailboxCacheQresyncDovecotIT::bytes).toList();
        System.out.printf("QRESYNC, %d messages, every other one expunged: server sent %s bytes per run%n",
                MESSAGES, bytes);
        assertThat(bytes.get(2)).isLessThan(3_000);
    }

    @Test
    void withQresyncHiddenTheCacheAsksWhichMessagesStillExistAsBefore() throws Exception {
        String user = dovecot.newUser("qresync-hidden");
        holes(user);
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));
        List<RunResult> runs = new ArrayList<>();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("QRESYNC"))) {
            for (int i = 0; i < 3; i++) {
                runs.add(run(user, proxy.port(), state, FLAG_RULES));
            }
        }

        assertThat(runs).allSatisfy(r -> assertThat(r.error()).isEmpty());
        assertThat(runs.get(2).commands()).isEqualTo(Map.of("SELECT", 1L, "UID SEARCH", 1L));
        List<String> commands = dovecot.rawCommands(user);
        assertThat(commands).noneMatch(l -> l.contains("QRESYNC") || l.contains("VANISHED"))
                .anyMatch(l -> l.endsWith(" ENABLE CONDSTORE"));
        assertThat(commands).filteredOn(l -> l.contains("UID SEARCH RETURN (ALL) UID 1:")).hasSize(2);
        List<List<String>> answered = sessions(user, ".out");
        assertThat(answered).allSatisfy(s -> assertThat(s).noneMatch(l -> l.startsWith("* VANISHED")));
        long unchanged = bytes(answered.get(2));
        System.out.printf("CONDSTORE and ESEARCH, %d messages, every other one expunged: unchanged run %d bytes%n",
                MESSAGES, unchanged);
        // the ESEARCH answer lists all 1,500 ranges between the holes
        assertThat(unchanged).isGreaterThan(8_000);
    }

    /** 3,000 messages, then every second one expunged: 1,500 holes between the 1,500 left. */
    private void holes(String user) {
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(MESSAGES, "holes").stream()
                .map(SampleMail.Sample::raw).toList());
        for (String mailbox : MAILBOXES) {
            dovecot.createMailbox(user, mailbox);
        }
        dovecot.expunge(user, "INBOX", LongStream.rangeClosed(1, MESSAGES / 2).mapToObj(i -> Long.toString(2 * i))
                .collect(Collectors.joining(",")));
    }

    /**
     * Runs the rules for both users, the first with the cache, the second with a state directory
     * emptied of caches (so both remember their copies); both must end the same.
     */
    private RunResult twins(String cached, String plain, Optional<StateDir> state, String rules, String step)
            throws Exception {
        RunResult withCache = run(cached, dovecot.imapPort(), state, rules);
        RunResult without = run(plain, dovecot.imapPort(), EndToEnd.withoutCache(temp.resolve("state-" + plain)),
                rules);
        assertThat(withCache.error()).as(step).isEmpty();
        assertThat(without.error()).as(step).isEmpty();
        assertThat(withCache.messages()).as(step).isEqualTo(without.messages());
        assertThat(withCache.ruleStats()).as(step).isEqualTo(without.ruleStats());
        assertThat(withCache.planned()).as(step).isEqualTo(without.planned());
        for (String mailbox : MAILBOXES) {
            assertThat(listing(cached, mailbox)).as(step + " " + mailbox).isEqualTo(listing(plain, mailbox));
        }
        return withCache;
    }

    private RunResult run(String user, int port, Optional<StateDir> state, String rules) throws Exception {
        Config config = EndToEnd.dovecotConfig(dovecot, port, user, false, rules);
        RunSettings settings = new RunSettings(false, 100_000, Optional.empty(), false, Optional.empty(),
                ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), state);
        List<RunResult> results = new OncePass(config, settings, Connections::open)
                .run(OncePass.selectRules(config, List.of(), null));
        return EndToEnd.result(results, "INBOX");
    }

    private List<String> listing(String user, String mailbox) {
        return dovecot.fetch(user, mailbox).stream()
                .map(m -> m.uid() + " " + new java.util.TreeSet<>(m.flags()) + " " + m.messageId()).toList();
    }

    private Set<Long> uids(String user, String mailbox) {
        return dovecot.fetch(user, mailbox).stream().map(StoredMessage::uid).collect(Collectors.toSet());
    }

    /** The UIDs of every {@code * VANISHED (EARLIER)} line. */
    private static List<Long> vanished(List<String> lines) {
        List<Long> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = VANISHED.matcher(line);
            if (m.matches()) {
                LongStream.of(UIDSet.toArray(UIDSet.parseUIDSets(m.group(1)))).forEach(out::add);
            }
        }
        return out;
    }

    /** The UIDs of the FETCH responses that carry FLAGS (a conditional store's own answer carries none). */
    private static List<Long> flagsFetched(List<String> lines) {
        return lines.stream().map(FLAGS_FETCH::matcher).filter(Matcher::matches)
                .map(m -> Long.parseLong(m.group(1))).toList();
    }

    /** Each session's lines from Dovecot's rawlog, oldest first, time stamps removed; call rawCommands first. */
    private List<List<String>> sessions(String user, String suffix) throws IOException {
        dovecot.rawCommands(user); // waits until Dovecot has written the session logs
        Path rawlog = dovecot.maildir(user, "INBOX").getParent().resolve("rawlog");
        List<List<String>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(rawlog)) {
            for (Path f : files.filter(p -> p.toString().endsWith(suffix)).sorted().toList()) {
                out.add(Stream.of(Files.readString(f, StandardCharsets.ISO_8859_1).split("\r?\n"))
                        .map(l -> l.replaceFirst("^\\d+\\.\\d+ ", "")).toList());
            }
        }
        return out;
    }

    /** The bytes of a session's lines as sent (line ends counted as two). */
    private static long bytes(List<String> lines) {
        return lines.stream().mapToLong(l -> l.length() + 2).sum();
    }
}
