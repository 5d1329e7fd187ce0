package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
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
import org.mailtidy.rules.MemoryMessage;
import org.mailtidy.rules.NaiveReference;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.testsupport.MailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.junit.jupiter.api.Test;

/**
 * The engine's reference scenario on one real server (a subclass per server): {@code once} with a
 * rule file that uses every criterion and every action must leave exactly the mailboxes that
 * applying the rules one at a time (the in-memory reference of the rules tests) predicts.
 */
abstract class EngineReferenceContract {
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

    /** The server under test. */
    abstract MailServer server();

    /** How many messages the scenario has on this server (a slow text SEARCH may call for fewer). */
    int messageCount() {
        return 10_000;
    }

    @Test
    void theMailboxesEndExactlyAsTheOneRuleAtATimeReferenceSays() throws Exception {
        Measured run = runReferenceScenario(messageCount());
        assertThat(run.results()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEmpty();
            assertThat(r.ruleStats()).isEqualTo(run.expected().stats());
        });
        assertThat(run.actual()).isEqualTo(run.expected().state());
        // Nothing expunged that no delete rule chose, other clients' \Deleted mail included.
        assertThat(run.expected().state().expunged()).isEqualTo(new TreeSet<>(run.expected().deleted()));
        assertThat(run.expected().stats().stream().mapToInt(s -> s.matched()).sum()).isGreaterThan(messageCount() / 2);
    }

    /** One run of the scenario: what the reference expects, what the server holds after, and the cost. */
    record Measured(String user, NaiveReference.Result expected, FinalState actual, List<RunResult> results,
                    Duration wallTime) {
        long commands() {
            return results.stream().flatMap(r -> r.commands().values().stream()).mapToLong(Long::longValue).sum();
        }
    }

    Measured runReferenceScenario(int n) throws Exception {
        MailServer server = server();
        String user = server.newUser("ref");
        List<SampleMail.Sample> samples = SampleMail.generate(n, user);
        server.load(user, "INBOX", samples.stream().map(SampleMail.Sample::raw).toList());
        server.createMailbox(user, "Trash");
        Config config = EndToEnd.serverConfig(server, user, RULES);
        List<RuleSpec> rules = config.rules().stream().map(RuleConfig::spec).toList();

        Map<String, Long> uidByMessageId = new HashMap<>();
        List<MemoryMessage> reference = referenceMessages(user, samples, uidByMessageId);
        PlanContext context = new PlanContext(SampleMail.NOW, LocalDate.ofInstant(SampleMail.NOW, ZoneOffset.UTC),
                Optional.of("Trash"));
        NaiveReference.Result expected = NaiveReference.run(rules, reference, context);

        long started = System.nanoTime();
        List<RunResult> results = runOnce(config);
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        return new Measured(user, expected, actualState(user, uidByMessageId), results, wall);
    }

    static List<RunResult> runOnce(Config config) throws InterruptedException {
        RunSettings settings = new RunSettings(false, config.safety().maxDeletesPerRun(), Optional.empty(), false,
                Optional.empty(), ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), Optional.empty());
        return new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null));
    }

    /** The reference's view of each message, with the UID and size the server gave it. */
    private List<MemoryMessage> referenceMessages(String user, List<SampleMail.Sample> samples,
                                                Map<String, Long> uidByMessageId) throws Exception {
        Map<String, SampleMail.Sample> byId = new HashMap<>();
        samples.forEach(s -> byId.put(s.messageId(), s));
        List<MemoryMessage> out = new ArrayList<>();
        try (ImapConnection c = ImapConnection.connect(server().settings(user));
             SelectedMailbox box = c.select("INBOX", true)) {
            MessageTable table = box.fetchTable();
            Map<Long, String> ids = box.fetchMessageIds(table.uids());
            for (int i = 0; i < table.uids().length; i++) {
                long uid = table.uids()[i];
                SampleMail.Sample s = byId.get(ids.get(uid));
                uidByMessageId.put(s.messageId(), uid);
                Set<Flag> flags = table.flagSets().get(table.flagSetIds()[i]).stream().map(Flag::of)
                        .filter(f -> !f.equals(Flag.RECENT)).collect(Collectors.toSet());
                out.add(new MemoryMessage(uid, s.decodedHeaders(), s.body(), table.internalDates()[i], s.sentDay(),
                        table.sizes()[i], flags));
            }
        }
        assertThat(out).hasSize(samples.size());
        return out;
    }

    /** The mailboxes after the run, in the reference's terms (original UIDs, flags). */
    private FinalState actualState(String user, Map<String, Long> uidByMessageId) {
        Map<Long, Set<Flag>> source = new HashMap<>();
        for (StoredMessage m : server().fetch(user, "INBOX")) {
            source.put(m.uid(), flags(m));
        }
        Map<String, List<FinalState.Arrival>> arrivals = new HashMap<>();
        Set<Long> movedAway = new TreeSet<>();
        for (String mailbox : List.of("Receipts", "Lists/dev", "Trash", "Archive")) {
            List<StoredMessage> there = server().fetch(user, mailbox);
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
