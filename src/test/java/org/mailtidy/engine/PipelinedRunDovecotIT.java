package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.FaultProxy.Action;
import org.mailtidy.testsupport.FaultProxy.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipelined run (searches in one flight, a batch's stores in flights) leaves the mailboxes and the
 * audit exactly as the same run sending one command at a time ({@code -Dmailtidy.imap.pipeline=1}),
 * also when the server refuses a store in the middle of a flight, a MOVE among the MOVEs of one flight,
 * or the {@code \Deleted} store that shares its flight with the {@code UID EXPUNGE}.
 */
@Tag("dovecot")
class PipelinedRunDovecotIT {
    private static final String ONE_AT_A_TIME = "mailtidy.imap.pipeline";
    private static final List<String> MAILBOXES = List.of("INBOX", "Trash", "Receipts", "Lists/dev", "Archive");

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @AfterEach
    void pipelineAgain() {
        System.clearProperty(ONE_AT_A_TIME);
    }

    @Test
    void aPipelinedRunLeavesTheSameMailboxesAndAuditAsOneCommandAtATime() throws Exception {
        Outcome pipelined = run("pipelined", null);
        System.setProperty(ONE_AT_A_TIME, "1");
        Outcome alone = run("alone", null);

        assertThat(pipelined.results()).allSatisfy(r -> assertThat(r.error()).isEmpty());
        // the same commands in the same order, only sent without waiting
        assertThat(pipelined.commands()).isEqualTo(alone.commands());
        assertThat(pipelined.mailboxes()).isEqualTo(alone.mailboxes());
        assertThat(pipelined.audit()).isNotEmpty().isEqualTo(alone.audit());
        assertThat(pipelined.results().get(0).ruleStats()).isEqualTo(alone.results().get(0).ruleStats());
    }

    @Test
    void aStoreRefusedInTheMiddleOfAFlightLeavesWhatOneCommandAtATimeLeaves() throws Exception {
        Fault refuseTheFourthStore = Fault.of("^UID STORE", 4, Action.NO);
        Outcome pipelined = run("pipelined-no", refuseTheFourthStore);
        System.setProperty(ONE_AT_A_TIME, "1");
        Outcome alone = run("alone-no", refuseTheFourthStore);

        assertThat(pipelined.results()).singleElement().satisfies(r ->
                assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("UID STORE", "refused")));
        assertThat(pipelined.commands()).isEqualTo(alone.commands());
        assertThat(pipelined.mailboxes()).isEqualTo(alone.mailboxes());
        assertThat(pipelined.audit()).isNotEmpty().isEqualTo(alone.audit());
        assertThat(pipelined.results().get(0).ruleStats()).isEqualTo(alone.results().get(0).ruleStats());
    }

    @Test
    void aMoveRefusedAmongPipelinedMovesLeavesWhatOneCommandAtATimeLeaves() throws Exception {
        // the second of the three MOVEs of one flight (to Trash, which exists)
        Fault refuseTheTrashMove = Fault.of("^UID MOVE .* Trash$", 1, Action.NO);
        Outcome pipelined = run("pipelined-move-no", refuseTheTrashMove);
        System.setProperty(ONE_AT_A_TIME, "1");
        Outcome alone = run("alone-move-no", refuseTheTrashMove);

        assertThat(pipelined.results()).singleElement().satisfies(r ->
                assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("UID MOVE", "refused")));
        assertThat(pipelined.commands()).isEqualTo(alone.commands());
        assertThat(pipelined.mailboxes()).isEqualTo(alone.mailboxes());
        // the other moves of the flight went through; nothing reached the trash
        assertThat(pipelined.mailboxes().get("Trash")).isEmpty();
        assertThat(pipelined.mailboxes().get("Archive")).isNotEmpty();
        assertThat(pipelined.audit()).isNotEmpty().isEqualTo(alone.audit());
        assertThat(pipelined.audit()).noneMatch(l -> l.contains("\"trash "));
        assertThat(pipelined.results().get(0).ruleStats()).isEqualTo(alone.results().get(0).ruleStats());
    }

    @Test
    void aDeletedStoreRefusedBeforeTheExpungeInItsFlightExpungesNothingItDidNotFlag() throws Exception {
        Fault refuseTheDeletedStore = Fault.of("^UID STORE .*\\+FLAGS\\.SILENT \\(\\\\Deleted\\)$", 1, Action.NO);
        Outcome pipelined = run("pipelined-del-no", refuseTheDeletedStore);
        System.setProperty(ONE_AT_A_TIME, "1");
        Outcome alone = run("alone-del-no", refuseTheDeletedStore);

        assertThat(pipelined.results()).singleElement().satisfies(r -> {
            assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("UID STORE", "refused"));
            assertThat(r.ruleStats()).allSatisfy(st -> assertThat(st.deleted()).isZero());
        });
        assertThat(pipelined.commands()).isEqualTo(alone.commands());
        assertThat(pipelined.commands()).anyMatch(c -> c.startsWith("UID EXPUNGE"));
        assertThat(pipelined.mailboxes()).isEqualTo(alone.mailboxes());
        assertThat(pipelined.audit()).isNotEmpty().isEqualTo(alone.audit());
        assertThat(pipelined.audit()).noneMatch(l -> l.contains("\"action\":\"delete\""));
        assertThat(pipelined.results().get(0).ruleStats()).isEqualTo(alone.results().get(0).ruleStats());
    }

    private record Outcome(List<RunResult> results, Map<String, Map<String, String>> mailboxes, List<String> audit,
                           List<String> commands) {
    }

    private Outcome run(String name, Fault fault) throws Exception {
        String user = dovecot.newUser(name);
        // The same messages (Message-IDs) for every user, loaded in the same order (the same UIDs).
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(300, "pipe").stream()
                .map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Path audit = temp.resolve(name + ".jsonl");
        List<RunResult> results;
        List<String> commands;
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", dovecot.imapPort())) {
            if (fault != null) {
                proxy.arm(fault);
            }
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false, EngineReferenceContract.RULES);
            RunSettings settings = new RunSettings(false, config.safety().maxDeletesPerRun(), Optional.empty(), false,
                    Optional.of(new AuditLog(audit)), ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC),
                    Optional.empty());
            results = new OncePass(config, settings, Connections::open)
                    .run(OncePass.selectRules(config, List.of(), null));
            if (fault != null) {
                assertThat(proxy.fired()).as("the fault fired").isTrue();
            }
            commands = proxy.commands().stream().map(c -> c.replaceFirst("^\\S+ ", ""))
                    .filter(c -> !c.startsWith("AUTHENTICATE"))
                    // written and not waited for, just before the connection closes: whether they reach
                    // the proxy before the close does is not fixed
                    .filter(c -> !c.equals("UNSELECT") && !c.equals("LOGOUT"))
                    // written ahead with the first SELECT when pipelining, sent when first needed one at a time
                    .filter(c -> !c.equals("ENABLE QRESYNC") && !c.equals("NAMESPACE")).toList();
        }
        Map<String, Map<String, String>> boxes = new LinkedHashMap<>();
        for (String mailbox : MAILBOXES) {
            boxes.put(mailbox, EndToEnd.byMessageId(dovecot, user, mailbox));
        }
        List<String> lines = Files.exists(audit) ? Files.readAllLines(audit).stream()
                .map(l -> l.replaceAll("\"(time|run|uidvalidity|destination_uidvalidity|destination_uid|modseq)\":"
                        + "(\"[^\"]*\"|[0-9]+),?", ""))
                .sorted().toList() : List.of();
        return new Outcome(results, boxes, lines, commands);
    }
}
