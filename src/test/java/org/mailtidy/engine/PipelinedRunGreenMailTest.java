package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On GreenMail (no CONDSTORE, no ESEARCH: the stores of a batch in one flight, the searches one at
 * a time) a pipelined run sends the same commands in the same order and leaves the same mailboxes
 * as the run that sends one command at a time.
 */
class PipelinedRunGreenMailTest {
    private static final String RULES = """
            rules:
              - name: flag-boss
                match: {subject: meeting}
                add_flags: [\\Flagged, Important]
              - name: read-newsletters
                match: {subject: receipt}
                add_flags: [\\Seen, $Newsletter]
              - name: invoices
                match: {subject_regex: '(?i)\\binvoice\\b'}
                set_flags: [Invoice]
              - name: receipts
                match: {subject: receipt}
                move_to: Receipts
              - name: unflag
                match: {subject: meeting, flagged: true, seen: true}
                remove_flags: [\\Flagged]
              - name: purge
                match: {subject: meeting, answered: true}
                delete: true
            """;
    private static GreenMailServer server;

    @BeforeAll
    static void start() {
        server = GreenMailServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void pipelineAgain() {
        System.clearProperty("mailtidy.imap.pipeline");
    }

    @Test
    void aPipelinedRunSendsWhatOneCommandAtATimeSendsAndLeavesTheSameMailboxes() throws Exception {
        Outcome pipelined = run("pipelined");
        System.setProperty("mailtidy.imap.pipeline", "1");
        Outcome alone = run("alone");

        assertThat(pipelined.results()).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
        assertThat(pipelined.commands()).isNotEmpty().isEqualTo(alone.commands());
        assertThat(pipelined.mailboxes()).isEqualTo(alone.mailboxes());
        assertThat(pipelined.mailboxes().get("Receipts")).isNotEmpty();
        assertThat(pipelined.results().get(0).ruleStats()).isEqualTo(alone.results().get(0).ruleStats());
    }

    private record Outcome(List<RunResult> results, Map<String, Map<String, String>> mailboxes,
                           List<String> commands) {
    }

    private Outcome run(String name) throws Exception {
        String user = server.newUser(name);
        server.load(user, "INBOX", SampleMail.generate(200, "pipe").stream().map(SampleMail.Sample::raw).toList());
        server.createMailbox(user, "Trash");
        try (FaultProxy proxy = FaultProxy.to(server.host(), server.port())) {
            String yaml = """
                    version: 1
                    accounts:
                      test:
                        host: 127.0.0.1
                        port: %d
                        tls: none
                        username: %s
                        password: ${PW}
                    defaults:
                      timezone: UTC
                    safety:
                      max_deletes_per_run: 100000
                    """.formatted(proxy.port(), user) + RULES;
            Config config = ConfigLoader.load(yaml, Path.of(user + ".yaml"), Map.of("PW", GreenMailServer.password(user)));
            List<RunResult> results = EngineReferenceContract.runOnce(config);
            List<String> commands = proxy.commands().stream().map(c -> c.replaceFirst("^\\S+ ", ""))
                    .filter(c -> !c.startsWith("AUTHENTICATE") && !c.startsWith("LOGIN"))
                    // written and not waited for, just before the connection closes: whether they reach
                    // the proxy before the close does is not fixed
                    .filter(c -> !c.equals("UNSELECT") && !c.equals("LOGOUT"))
                    // written ahead with the first SELECT when pipelining, sent when first needed one at a time
                    .filter(c -> !c.equals("ENABLE QRESYNC") && !c.equals("NAMESPACE")).toList();
            Map<String, Map<String, String>> boxes = new TreeMap<>();
            for (String mailbox : List.of("INBOX", "Receipts")) {
                Map<String, String> byId = new TreeMap<>();
                for (StoredMessage m : server.fetch(user, mailbox)) {
                    byId.put(m.messageId(), new TreeSet<>(m.flags()).toString());
                }
                boxes.put(mailbox, byId);
            }
            return new Outcome(results, boxes, commands);
        }
    }
}
