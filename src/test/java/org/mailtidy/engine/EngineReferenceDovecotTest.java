package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.rules.FinalState;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.NaiveReference;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.TestMessage;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code once} on a real Dovecot with a rule file that uses every criterion and every action must
 * leave exactly the mailboxes that applying the rules one at a time (the in-memory reference of
 * the rules tests) predicts, with a number of IMAP commands that does not depend on the number of
 * messages.
 */
@Tag("dovecot")
class EngineReferenceDovecotTest {
    /** Every criterion and every action of the contract. */
    static final String RULES = """
            rules:
              - name: read-old-newsletters
                match: {from: newsletter@, seen: false, older_than: 30d}
                add_flags: [\\Seen]
              - name: invoices
                match:
                  subject_regex: '(?i)\\binvoice\\b'
                  not: {keyword: Paid}
                set_flags: [\\Seen, \\Flagged, Invoice]
                stop: true
              - name: copy-receipts
                match: {subject: receipt, received_since: 2025-01-01}
                copy_to: Receipts
              - name: receipts-seen
                match: {subject: receipt}
                add_flags: [\\Seen]
              - name: dev-list
                match:
                  header: {List-Id: dev.lists.example.org}
                  seen: true
                move_to: Lists/dev
              - name: spam
                match:
                  header_regex: {X-Spam-Score: '^[5-9]'}
                trash: true
              - name: purge-newsletters
                match: {from: newsletter@, seen: true, older_than: 365d}
                delete: true
              - name: unflag-stale
                match: {flagged: true, answered: false, older_than: 1y}
                remove_flags: [\\Flagged]
              - name: large
                match: {larger: 20KB}
                add_flags: [Large]
              - name: small-and-sent-long-ago
                match: {smaller: 2KB, sent_before: 2025-01-01, draft: false}
                add_flags: [$Old]
              - name: greetings
                match: {subject: grüße, to: bob@}
                add_flags: [$Personal]
              - name: family
                match: {from: Jürgen, subject_regex: 'M(ü|ue)ller', from_regex: '(?i)müller'}
                add_flags: [$Family]
              - name: review
                match:
                  any: [{cc: carol@}, {body: quarterly}]
                  not: {text: confidential}
                add_flags: [$Review]
              - name: dated
                match:
                  any:
                    - received_before: 2024-06-01
                    - received_on: 2025-03-03
                    - sent_on: 2025-07-01
                    - all: [{sent_since: 2026-01-01}, {newer_than: 90d}]
                add_flags: [$Dated]
              - name: sent-window
                match: {sent_older_than: 1y, sent_newer_than: 2y, to_regex: 'team@'}
                add_flags: [$Team]
              - name: audited
                match: {bcc: audit@, answered: true}
                add_flags: [$Audited]
              - name: undelete-starred
                match: {deleted: true, flagged: true}
                remove_flags: [\\Deleted]
              - name: todo-done
                match: {keyword: $Todo, seen: true}
                remove_flags: [$Todo]
              - name: drop-tmp
                match: {all_messages: true}
                remove_flags: [$Tmp]
              - name: archive-meetings
                match: {subject: meeting, newer_than: 1y}
                move_to: Archive
            """;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void tenThousandMessagesEndExactlyAsTheOneRuleAtATimeReferenceSays() throws Exception {
        String user = dovecot.newUser("ref");
        List<SampleMail.Sample> samples = SampleMail.generate(10_000, user);
        dovecot.writeMaildir(user, "INBOX", samples.stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Config config = config(user, RULES);
        List<RuleSpec> rules = config.rules().stream().map(RuleConfig::spec).toList();

        Map<String, Long> uidByMessageId = new HashMap<>();
        List<TestMessage> reference = referenceMessages(user, samples, uidByMessageId);
        PlanContext context = new PlanContext(SampleMail.NOW, LocalDate.ofInstant(SampleMail.NOW, ZoneOffset.UTC),
                Optional.of("Trash"));
        NaiveReference.Result expected = NaiveReference.run(rules, reference, context);

        List<RunResult> results = runOnce(config);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.error()).isEmpty();
            assertThat(r.ruleStats()).isEqualTo(expected.stats());
        });
        assertThat(actualState(user, uidByMessageId)).isEqualTo(expected.state());
        // Nothing expunged that no delete rule chose, other clients' \Deleted mail included.
        assertThat(expected.state().expunged()).isEqualTo(new TreeSet<>(expected.deleted()));
        assertThat(expected.stats().stream().mapToInt(s -> s.matched()).sum()).isGreaterThan(5_000);
    }

    @Test
    void theNumberOfCommandsIsTheSameForAHundredAndTenThousandMessages() throws Exception {
        List<String> small = commandsOfARun(100);
        List<String> large = commandsOfARun(10_000);
        // The same commands in the same order; only the UID sets differ (and, past 8,000 octets or by
        // CONDSTORE mod-sequence, are split into consecutive pieces).
        assertThat(logical(large)).isEqualTo(logical(small));
        assertThat(logical(small)).filteredOn(c -> c.startsWith("UID FETCH")).hasSizeLessThanOrEqualTo(3);
        assertThat(logical(small)).filteredOn(c -> c.startsWith("UID EXPUNGE")).hasSize(1);
        assertThat(large).allSatisfy(line -> assertThat(line.length()).isLessThan(8_000));
    }

    private List<String> commandsOfARun(int n) throws Exception {
        String user = dovecot.newUser("shape" + n);
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(n, user).stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        // The date-bound rules are left out: with 100 messages some dates have no message.
        String rules = RULES.lines().takeWhile(l -> !l.contains("name: dated")).collect(Collectors.joining("\n"));
        List<RunResult> results = runOnce(config(user, rules));
        assertThat(results).allSatisfy(r -> assertThat(r.error()).isEmpty());
        return dovecot.rawCommands(user);
    }

    /**
     * Commands without tags and UID sets, consecutive pieces of one split command counted once;
     * NOOP left out (Angus's own liveness check, sent by time, not by work).
     */
    private static List<String> logical(List<String> wire) {
        List<String> out = new ArrayList<>();
        for (String line : wire) {
            String[] words = line.split(" ", 2);
            if (words.length < 2 || !words[0].matches("[A-Za-z]+[0-9]+")) {
                continue; // the rest of a literal
            }
            // CONDSTORE guards (RFC 7162) split a STORE by the mod-sequence each message had, which
            // depends on earlier STOREs of the run, not on the number of messages.
            String command = words[1].replaceAll("(?<=^UID [A-Z]{4,7} )[0-9:,*]+", "<set>")
                    .replaceAll("\\(UNCHANGEDSINCE [0-9]+\\)", "(UNCHANGEDSINCE m)");
            if (command.equalsIgnoreCase("NOOP") || (!out.isEmpty() && out.get(out.size() - 1).equals(command)
                    && command.contains("<set>"))) {
                continue;
            }
            out.add(command);
        }
        return out;
    }

    Config config(String user, String rules) throws Exception {
        return EndToEnd.dovecotConfig(dovecot, user, true, rules);
    }

    private static List<RunResult> runOnce(Config config) throws InterruptedException {
        RunSettings settings = new RunSettings(false, config.safety().maxDeletesPerRun(), Optional.empty(), false,
                Optional.empty(), ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), Optional.empty());
        return new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null));
    }

    /** The reference's view of each message, with the UID and size the server gave it. */
    private List<TestMessage> referenceMessages(String user, List<SampleMail.Sample> samples,
                                                Map<String, Long> uidByMessageId) throws Exception {
        Map<String, SampleMail.Sample> byId = new HashMap<>();
        samples.forEach(s -> byId.put(s.messageId(), s));
        List<TestMessage> out = new ArrayList<>();
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user,
                org.mailtidy.imap.ConnectionSettings.Security.STARTTLS).withCaFile(dovecot.caFile()));
             SelectedMailbox box = c.select("INBOX", true)) {
            MessageTable table = box.fetchTable();
            Map<Long, String> ids = box.fetchMessageIds(table.uids());
            for (int i = 0; i < table.uids().length; i++) {
                long uid = table.uids()[i];
                SampleMail.Sample s = byId.get(ids.get(uid));
                uidByMessageId.put(s.messageId(), uid);
                Set<Flag> flags = table.flagSets().get(table.flagSetIds()[i]).stream().map(Flag::of)
                        .filter(f -> !f.equals(Flag.RECENT)).collect(Collectors.toSet());
                out.add(new TestMessage(uid, s.decodedHeaders(), s.body(), table.internalDates()[i], s.sentDay(),
                        table.sizes()[i], flags));
            }
        }
        assertThat(out).hasSize(samples.size());
        return out;
    }

    /** The mailboxes after the run, in the reference's terms (original UIDs, flags). */
    private FinalState actualState(String user, Map<String, Long> uidByMessageId) {
        Map<Long, Set<Flag>> source = new HashMap<>();
        for (StoredMessage m : dovecot.fetch(user, "INBOX")) {
            source.put(m.uid(), flags(m));
        }
        Map<String, List<FinalState.Arrival>> arrivals = new HashMap<>();
        Set<Long> movedAway = new TreeSet<>();
        for (String mailbox : List.of("Receipts", "Lists/dev", "Trash", "Archive")) {
            List<StoredMessage> there = dovecot.fetch(user, mailbox);
            for (StoredMessage m : there) {
                long original = uidByMessageId.get(m.messageId());
                arrivals.computeIfAbsent(mailbox, k -> new ArrayList<>()).add(new FinalState.Arrival(original, flags(m)));
                if (!mailbox.equals("Receipts")) {
                    movedAway.add(original);
                }
            }
        }
        Set<Long> expunged = new TreeSet<>(uidByMessageId.values());
        expunged.removeAll(source.keySet());
        expunged.removeAll(movedAway);
        return FinalState.of(source, arrivals, expunged);
    }

    private static Set<Flag> flags(StoredMessage m) {
        return m.flags().stream().map(Flag::of).collect(Collectors.toCollection(TreeSet::new));
    }
}
