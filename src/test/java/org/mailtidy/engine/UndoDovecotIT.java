package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailtidy.config.Config;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code undo --run} on a real Dovecot: a rule file with every action (flags, set_flags, copy, move,
 * trash, delete with a backup directory; a fifth of the messages get flags from a first rule before
 * another one copies, moves, trashes or deletes them) runs over thousands of sample messages; the undo then leaves
 * every mailbox as it was before (each Message-ID in its mailbox with its flags and INTERNALDATE),
 * except what another client changed between the run and the undo, which is left alone and reported.
 */
@Tag("dovecot")
class UndoDovecotIT {
    private static final int MESSAGES = Integer.getInteger("mailtidy.undo.messages", 3000);
    private static final List<String> MAILBOXES = List.of("INBOX", "Invoices", "Lists/dev", "Trash", "Archive",
            "Copies");
    private static final String RULES = """
            rules:
              - name: flagged-are-important
                match: {flagged: true}
                add_flags: [\\Seen, Important]
              - name: newsletters-read
                match: {from: newsletter@news.example.com}
                add_flags: [\\Seen, $Newsletter]
                remove_flags: [$Todo]
              - name: invoices
                match: {subject: invoice}
                add_flags: [Invoice]
                copy_to: Invoices
              - name: dev-list
                match: {header: {List-Id: dev.lists.example.org}}
                move_to: Lists/dev
              - name: spam
                match: {from: spam.example.net}
                trash: true
              - name: old-reports
                match: {subject: Quarterly report}
                delete: true
              - name: meeting-notes-done
                match: {subject: Meeting notes}
                set_flags: [\\Seen, Done]
            """;

    private static final String CHANGED = "changed since the run by another client or a later run";

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void undoRunPutsEveryMailboxBackAndLeavesAnotherClientsChangesAlone() throws Exception {
        String user = dovecot.newUser("undo");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(MESSAGES, "undo").stream()
                .map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Path audit = temp.resolve("audit.jsonl");
        Path backup = temp.resolve("backup");
        Config config = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, RULES), audit, backup);
        Map<String, Map<String, Msg>> before = state(config);

        RunSettings settings = RunSettings.from(config, false, Optional.of(new AuditLog(audit)), Optional.empty())
                .withRunId("test-run-1");
        List<RunResult> results = new OncePass(config, settings, Connections::open)
                .run(OncePass.selectRules(config, List.of(), null));
        assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        assertThat(results).extracting(RunResult::runId).containsOnly("test-run-1");
        List<AuditLog.Line> lines = AuditReader.read(audit);
        assertThat(lines).extracting(AuditLog.Line::action).anyMatch(a -> a.startsWith("add_flags"))
                .anyMatch(a -> a.startsWith("remove_flags")).anyMatch(a -> a.startsWith("set_flags"))
                .anyMatch(a -> a.startsWith("copy_to")).anyMatch(a -> a.startsWith("move_to"))
                .anyMatch(a -> a.startsWith("trash")).anyMatch(a -> a.equals("delete"));
        assertThat(lines).filteredOn(l -> l.destination() != null).allSatisfy(l ->
                assertThat(l.destinationUid()).as(l.toString()).isPositive());
        assertThat(lines).filteredOn(l -> l.action().equals("delete")).allSatisfy(l ->
                assertThat(Path.of(l.backup())).exists());
        Map<String, Map<String, Msg>> afterRun = state(config);
        assertThat(afterRun).isNotEqualTo(before);

        // Another client, between the run and the undo: flags a message the run marked read, and
        // reads (in the trash) a message the run trashed.
        String newsletter = "<undo-0@sample.mailtidy>";
        String spam = "<undo-5@sample.mailtidy>";
        dovecot.addFlags(user, "INBOX", uidOf(user, "INBOX", newsletter), "OtherClient");
        dovecot.addFlags(user, "Trash", uidOf(user, "Trash", spam), "\\Answered");

        long started = System.nanoTime();
        Undo.Report report = new Undo(id -> Optional.ofNullable(config.accounts().get(id)), Connections::open, false)
                .run(Undo.select(lines, Optional.of("test-run-1"), Optional.empty()));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(report.entries()).filteredOn(e -> !e.undone()).extracting(Undo.Entry::messageId)
                .containsExactlyInAnyOrder(newsletter, spam);
        assertThat(report.entries()).filteredOn(e -> !e.undone()).allSatisfy(e ->
                assertThat(e.what()).contains("changed").contains("since the run"));
        Map<String, Map<String, Msg>> afterUndo = state(config);
        // what the other client touched stays as the run and the other client left it
        assertThat(afterUndo.get("INBOX").get(newsletter)).isEqualTo(afterRun.get("INBOX").get(newsletter)
                .plus("OtherClient"));
        assertThat(afterUndo.get("Trash").get(spam)).isEqualTo(afterRun.get("Trash").get(spam).plus("\\Answered"));
        for (Map<String, Msg> messages : List.of(before.get("INBOX"), afterUndo.get("INBOX"), afterUndo.get("Trash"))) {
            messages.remove(newsletter);
            messages.remove(spam);
        }
        assertThat(afterUndo).isEqualTo(before);
        System.out.printf("undo figures: %d messages, %d audit lines, %d changes undone, %d not undone, %d ms%n",
                MESSAGES, lines.size(), report.undone(), report.notUndone(), millis);
    }

    @Test
    void undoSinceTakesTwoRunsBackNewestFirstAndTheModSeqCatchesAChangeThatLeftTheSameFlags() throws Exception {
        String user = dovecot.newUser("undo2");
        dovecot.writeMaildir(user, "INBOX", List.of(
                org.mailtidy.testsupport.TestMessage.of("alpha").withMessageId("<a@test>").withFlags("\\Seen"),
                org.mailtidy.testsupport.TestMessage.of("bravo").withMessageId("<b@test>"),
                org.mailtidy.testsupport.TestMessage.of("charlie").withMessageId("<c@test>")));
        Path audit = temp.resolve("audit.jsonl");
        Config first = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, """
                rules:
                  - name: one
                    match: {all_messages: true}
                    add_flags: [One]
                """), audit, temp.resolve("backup"));
        Config second = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, """
                rules:
                  - name: two
                    match: {all_messages: true}
                    add_flags: [Two]
                    remove_flags: [\\Seen]
                  - name: file-charlie
                    match: {subject: charlie}
                    move_to: Archive
                """), audit, temp.resolve("backup"));
        Map<String, Map<String, Msg>> before = state(first);
        Instant since = Instant.now().minusSeconds(1);
        for (Config c : List.of(first, second)) {
            RunSettings settings = RunSettings.from(c, false, Optional.of(new AuditLog(audit)), Optional.empty());
            assertThat(new OncePass(c, settings, Connections::open).run(OncePass.selectRules(c, List.of(), null)))
                    .allSatisfy(r -> assertThat(r.ok()).isTrue());
        }
        // another client sets a flag and takes it off again: the same flags, a higher mod-sequence
        try (ImapConnection other = Connections.open(first.account("test"));
             SelectedMailbox box = other.select("INBOX", false)) {
            long b = uidOf(user, "INBOX", "<b@test>");
            box.store(new long[] {b}, org.mailtidy.mail.StoreMode.ADD, List.of("Elsewhere"));
            box.store(new long[] {b}, org.mailtidy.mail.StoreMode.REMOVE, List.of("Elsewhere"));
        }

        Undo.Report report = new Undo(id -> Optional.ofNullable(first.accounts().get(id)), Connections::open, false)
                .run(Undo.select(AuditReader.read(audit), Optional.empty(), Optional.of(since)));

        assertThat(report.entries()).filteredOn(e -> !e.undone()).extracting(Undo.Entry::messageId, Undo.Entry::what)
                .containsExactly(
                        tuple("<b@test>", CHANGED + " (its mod-sequence is above the "
                                + guardOf(AuditReader.read(audit), "<b@test>", "two") + " the run left, RFC 7162); left alone"),
                        tuple("<b@test>", CHANGED + " (flags now One Two, the run left One); left alone"));
        Map<String, Map<String, Msg>> after = state(first);
        assertThat(after.get("INBOX").get("<b@test>").flags()).containsExactlyInAnyOrder("One", "Two");
        after.get("INBOX").remove("<b@test>");
        before.get("INBOX").remove("<b@test>");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void withoutCondstoreAndMoveTheFlagsAreComparedAndMailIsCopiedBack() throws Exception {
        String user = dovecot.newUser("undo3");
        dovecot.writeMaildir(user, "INBOX", List.of(
                org.mailtidy.testsupport.TestMessage.of("alpha").withMessageId("<a@test>").withFlags("\\Seen"),
                org.mailtidy.testsupport.TestMessage.of("bravo").withMessageId("<b@test>"),
                org.mailtidy.testsupport.TestMessage.of("charlie").withMessageId("<c@test>").withFlags("$Todo")));
        Path audit = temp.resolve("audit.jsonl");
        try (org.mailtidy.testsupport.CapabilityFilterProxy proxy = new org.mailtidy.testsupport.CapabilityFilterProxy(
                "127.0.0.1", dovecot.imapPort(), java.util.Set.of("CONDSTORE", "QRESYNC", "MOVE"))) {
            Config config = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false, """
                    rules:
                      - name: flag
                        match: {all_messages: true}
                        add_flags: [\\Flagged]
                        remove_flags: [$Todo]
                      - name: file-charlie
                        match: {subject: charlie}
                        move_to: Archive
                    """), audit, temp.resolve("backup"));
            Map<String, Map<String, Msg>> before = state(config);
            RunSettings settings = RunSettings.from(config, false, Optional.of(new AuditLog(audit)), Optional.empty())
                    .withRunId("no-condstore");
            assertThat(new OncePass(config, settings, Connections::open)
                    .run(OncePass.selectRules(config, List.of(), null))).allSatisfy(r -> assertThat(r.ok()).isTrue());
            List<AuditLog.Line> lines = AuditReader.read(audit);
            assertThat(lines).extracting(AuditLog.Line::modSeq).containsOnly(0L);
            dovecot.addFlags(user, "INBOX", uidOf(user, "INBOX", "<b@test>"), "\\Answered");

            Undo.Report report = new Undo(id -> Optional.ofNullable(config.accounts().get(id)), Connections::open,
                    false).run(Undo.select(lines, Optional.of("no-condstore"), Optional.empty()));

            assertThat(report.entries()).filteredOn(e -> !e.undone()).extracting(Undo.Entry::messageId,
                    Undo.Entry::what).containsExactly(tuple("<b@test>",
                    CHANGED + " (flags now \\Answered \\Flagged, the run left \\Flagged); left alone"));
            Map<String, Map<String, Msg>> after = state(config);
            assertThat(after.get("INBOX").get("<b@test>").flags()).containsExactlyInAnyOrder("\\Answered",
                    "\\Flagged");
            after.get("INBOX").remove("<b@test>");
            before.get("INBOX").remove("<b@test>");
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    void aConnectionLostDuringTheUndoReportsWhatWasNotUndoneAndASecondUndoFinishesIt() throws Exception {
        String user = dovecot.newUser("undo4");
        dovecot.writeMaildir(user, "INBOX", List.of(
                org.mailtidy.testsupport.TestMessage.of("alpha").withMessageId("<a@test>"),
                org.mailtidy.testsupport.TestMessage.of("bravo").withMessageId("<b@test>")));
        Path audit = temp.resolve("audit.jsonl");
        String rules = """
                rules:
                  - name: copy-bravo
                    match: {subject: bravo}
                    copy_to: Copies
                  - name: read
                    match: {all_messages: true}
                    add_flags: [\\Seen]
                """;
        Config direct = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, rules), audit,
                temp.resolve("backup"));
        Map<String, Map<String, Msg>> before = state(direct);
        RunSettings settings = RunSettings.from(direct, false, Optional.of(new AuditLog(audit)), Optional.empty())
                .withRunId("lost");
        assertThat(new OncePass(direct, settings, Connections::open).run(OncePass.selectRules(direct, List.of(), null)))
                .allSatisfy(r -> assertThat(r.ok()).isTrue());
        List<AuditLog.Line> lines = Undo.select(AuditReader.read(audit), Optional.of("lost"), Optional.empty());

        Undo.Report cut;
        try (org.mailtidy.testsupport.FaultProxy proxy = org.mailtidy.testsupport.FaultProxy.to(dovecot.host(),
                dovecot.imapPort())) {
            proxy.arm(org.mailtidy.testsupport.FaultProxy.Fault.of("(?i)^UID STORE .*FLAGS\\.SILENT \\(\\)", 1,
                    org.mailtidy.testsupport.FaultProxy.Action.DROP_BEFORE));
            Config viaProxy = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false, rules),
                    audit, temp.resolve("backup"));
            cut = new Undo(id -> Optional.ofNullable(viaProxy.accounts().get(id)), Connections::open, false).run(lines);
            assertThat(proxy.fired()).isTrue();
        }
        assertThat(cut.entries()).extracting(Undo.Entry::messageId, Undo.Entry::undone).containsExactlyInAnyOrder(
                tuple("<b@test>", true), tuple("<a@test>", false), tuple("<b@test>", false));
        assertThat(cut.entries()).filteredOn(e -> !e.undone()).extracting(Undo.Entry::what)
                .allSatisfy(w -> assertThat(w).startsWith("the undo stopped before "));

        Undo.Report rest = new Undo(id -> Optional.ofNullable(direct.accounts().get(id)), Connections::open, false)
                .run(lines);
        assertThat(rest.entries()).filteredOn(Undo.Entry::undone).extracting(Undo.Entry::messageId)
                .containsExactlyInAnyOrder("<a@test>", "<b@test>");
        assertThat(rest.entries()).filteredOn(e -> !e.undone()).singleElement().satisfies(e ->
                assertThat(e.what()).isEqualTo("not found in Copies by its UID or its Message-ID"));
        Map<String, Map<String, Msg>> after = state(direct);
        assertThat(after.get("INBOX")).isEqualTo(before.get("INBOX"));
        assertThat(after.get("Copies")).isEmpty();
    }

    @Test
    void copiesAnUndoRemovedAreForgottenByTheCopyRecordSoTheRuleCopiesThemAgain() throws Exception {
        String user = dovecot.newUser("undo-once");
        dovecot.writeMaildir(user, "INBOX", List.of(
                org.mailtidy.testsupport.TestMessage.of("receipt 1").withMessageId("<r1@test>"),
                org.mailtidy.testsupport.TestMessage.of("other").withMessageId("<o@test>")));
        Path audit = temp.resolve("audit-once.jsonl");
        String rules = """
                rules:
                  - name: receipts
                    match: {subject: receipt}
                    copy_to: Copies
                """;
        Config config = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, rules), audit,
                temp.resolve("backup"));
        Optional<StateDir> state = StateDir.resolve(temp.resolve("state").toString(), Map.of());
        RunSettings settings = RunSettings.from(config, false, Optional.of(new AuditLog(audit)), state)
                .withRunId("copy-1");
        java.util.concurrent.Callable<List<RunResult>> once = () -> new OncePass(config, settings, Connections::open)
                .run(OncePass.selectRules(config, List.of(), null));
        assertThat(once.call()).allSatisfy(r -> assertThat(r.ok()).isTrue());
        assertThat(state(config).get("Copies")).containsOnlyKeys("<r1@test>");

        Undo.Report report = new Undo(id -> Optional.ofNullable(config.accounts().get(id)), Connections::open, false,
                state).run(Undo.select(AuditReader.read(audit), Optional.of("copy-1"), Optional.empty()));
        assertThat(report.notUndone()).isZero();
        assertThat(state(config).get("Copies")).isEmpty();

        // the receipt still matches: copied once more, as if the undone run had never copied it
        assertThat(once.call()).allSatisfy(r -> assertThat(r.ok()).isTrue());
        assertThat(state(config).get("Copies")).containsOnlyKeys("<r1@test>");
        assertThat(once.call()).allSatisfy(r -> assertThat(r.ok()).isTrue());
        assertThat(state(config).get("Copies")).as("and then remembered again").hasSize(1);
    }

    @Test
    void aDestinationDeletedSinceTheRunIsReportedAndTheRestUndone() throws Exception {
        String user = dovecot.newUser("undo5");
        dovecot.writeMaildir(user, "INBOX", List.of(
                org.mailtidy.testsupport.TestMessage.of("alpha").withMessageId("<a@test>"),
                org.mailtidy.testsupport.TestMessage.of("bravo").withMessageId("<b@test>")));
        Path audit = temp.resolve("audit.jsonl");
        Config config = withAuditAndBackup(EndToEnd.dovecotConfig(dovecot, user, false, """
                rules:
                  - name: file-bravo
                    match: {subject: bravo}
                    move_to: Gone
                  - name: read
                    match: {all_messages: true}
                    add_flags: [\\Seen]
                """), audit, temp.resolve("backup"));
        RunSettings settings = RunSettings.from(config, false, Optional.of(new AuditLog(audit)), Optional.empty())
                .withRunId("gone");
        assertThat(new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null)))
                .allSatisfy(r -> assertThat(r.ok()).isTrue());
        dovecot.deleteMailbox(user, "Gone");

        Undo.Report report = new Undo(id -> Optional.ofNullable(config.accounts().get(id)), Connections::open, false)
                .run(AuditReader.read(audit));

        assertThat(report.entries()).extracting(Undo.Entry::messageId, Undo.Entry::undone).containsExactly(
                tuple("<b@test>", false), tuple("<a@test>", true));
        assertThat(report.entries().get(0).what()).startsWith("Gone cannot be opened: ");
        assertThat(dovecot.fetch(user, "INBOX")).singleElement().satisfies(m -> {
            assertThat(m.messageId()).isEqualTo("<a@test>");
            assertThat(m.flags()).isEmpty();
        });
    }

    private static long guardOf(List<AuditLog.Line> lines, String messageId, String rule) {
        return lines.stream().filter(l -> messageId.equals(l.messageId()) && l.rule().equals(rule)).findFirst()
                .orElseThrow().modSeq();
    }

    private static Config withAuditAndBackup(Config c, Path audit, Path backup) {
        return new Config(c.file(), c.accounts(), c.rules(), c.defaults(),
                new org.mailtidy.config.Safety(false, 100_000, Optional.of(backup), false),
                Optional.of(new org.mailtidy.config.Audit(audit)), c.http(), c.cluster());
    }

    private long uidOf(String user, String mailbox, String messageId) {
        return dovecot.fetch(user, mailbox).stream().filter(m -> m.messageId().equals(messageId)).findFirst()
                .orElseThrow().uid();
    }

    /** A message as the test compares it: flags without \Recent, INTERNALDATE. */
    private record Msg(TreeSet<String> flags, Instant internalDate) {
        Msg plus(String flag) {
            TreeSet<String> more = new TreeSet<>(flags);
            more.add(flag);
            return new Msg(more, internalDate);
        }
    }

    /** Mailbox to Message-ID to its flags (sorted, without \Recent) and INTERNALDATE, read over IMAP. */
    private static Map<String, Map<String, Msg>> state(Config config) throws Exception {
        Map<String, Map<String, Msg>> out = new TreeMap<>();
        try (ImapConnection c = Connections.open(config.account("test"))) {
            for (String mailbox : MAILBOXES) {
                Map<String, Msg> messages = new TreeMap<>();
                out.put(mailbox, messages);
                if (!c.list(mailbox).contains(mailbox)) {
                    continue;
                }
                try (SelectedMailbox box = c.select(mailbox, true)) {
                    MessageTable t = box.fetchTable();
                    Map<Long, String> ids = t.size() == 0 ? Map.of() : box.fetchMessageIds(t.uids());
                    for (int i = 0; i < t.size(); i++) {
                        TreeSet<String> flags = new TreeSet<>(t.flags(i));
                        flags.remove("\\Recent");
                        Msg was = messages.put(ids.get(t.uids()[i]), new Msg(flags,
                                Instant.ofEpochMilli(t.internalDates()[i])));
                        assertThat(was).as("Message-ID twice in " + mailbox).isNull();
                    }
                }
            }
        }
        return out;
    }
}
