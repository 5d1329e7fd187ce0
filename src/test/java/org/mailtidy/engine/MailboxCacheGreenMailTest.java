package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.FlagChange;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/** A server without CONDSTORE (GreenMail): a state directory changes nothing, and no cache is written. */
class MailboxCacheGreenMailTest {
    private static final GreenMailServer server = GreenMailServer.shared();

    @TempDir
    Path state;

    @Test
    void withoutCondstoreTheRunIsTheSameAndKeepsNoCache() throws Exception {
        String withState = server.newUser("cache-gm");
        String without = server.newUser("nocache-gm");
        for (String user : List.of(withState, without)) {
            server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1"), TestMessage.of("other 2"),
                    TestMessage.of("invoice 3").withFlags("\\Seen")));
        }
        for (int run = 0; run < 2; run++) {
            RunResult a = run(withState, Optional.of(new StateDir(state)));
            RunResult b = run(without, Optional.empty());
            assertThat(a.error()).isEmpty();
            assertThat(a.ruleStats()).isEqualTo(b.ruleStats());
            assertThat(a.planned()).isEqualTo(b.planned());
            server.append(withState, "INBOX", TestMessage.of("invoice " + (4 + run)));
            server.append(without, "INBOX", TestMessage.of("invoice " + (4 + run)));
        }
        assertThat(server.fetch(withState, "INBOX")).extracting(StoredMessage::uid, StoredMessage::flags)
                .isEqualTo(server.fetch(without, "INBOX").stream().map(m -> org.assertj.core.groups.Tuple.tuple(
                        m.uid(), m.flags())).toList());
        assertThat(server.fetch(withState, "INBOX")).filteredOn(m -> m.flags().contains("\\Flagged")).hasSize(3);
        try (var files = Files.walk(state)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    private RunResult run(String user, Optional<StateDir> stateDir) throws Exception {
        RunSettings settings = new RunSettings(false, 100, Optional.empty(), false, Optional.empty(), ZoneOffset.UTC,
                Clock.systemUTC(), stateDir);
        RuleSpec invoices = new RuleSpec("invoices", new Criterion.Text(Criterion.TextField.SUBJECT, "invoice"),
                new FlagChange.Delta(java.util.Set.of(Flag.of("\\Flagged")), java.util.Set.of()), Disposition.KEEP,
                Optional.empty(), false);
        try (ImapConnection c = ImapConnection.connect(server.settings(user))) {
            assertThat(c.hasCapability("CONDSTORE")).isFalse();
            return new MailboxRun(c, "a", "INBOX", List.of(invoices), Optional.empty(), settings).execute();
        }
    }
}
