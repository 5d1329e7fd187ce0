package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Account;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * A COPY or MOVE to a destination the connection does not know to exist carries a CREATE in front of
 * it (docs/adr/0017): a mailbox the CREATE made is subscribed, one that existed is left as the user
 * set it, and a kept connection (the daemon's) does not CREATE the same destination again.
 */
@Tag("dovecot")
class CreateAheadDovecotIT {
    private static final String RULES = """
            rules:
              - name: receipts
                match: {subject: receipt}
                copy_to: Receipts
              - name: lists
                match: {subject: list}
                move_to: Lists/dev
            """;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aDestinationMadeIsSubscribedAndOneThatExistedIsLeftUnsubscribed() throws Exception {
        String user = dovecot.newUser("ahead");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("receipt 1"), TestMessage.of("list 1"),
                TestMessage.of("hello")));
        // made by another client and unsubscribed on purpose
        dovecot.createMailbox(user, "Receipts");
        assertThat(dovecot.subscribed(user)).doesNotContain("Receipts");

        // the transfers are the run's last waited flight: the SUBSCRIBE written ahead of it is followed
        // only by UNSELECT and LOGOUT, which nothing waits for
        List<RunResult> results = EndToEnd.once(EndToEnd.dovecotConfig(dovecot, user, false, RULES));

        assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
        assertThat(dovecot.fetch(user, "Receipts")).hasSize(1);
        assertThat(dovecot.fetch(user, "Lists/dev")).hasSize(1);
        List<String> sent = dovecot.rawCommands(user);
        assertThat(sent).filteredOn(l -> l.matches("\\S+ CREATE .*")).hasSize(2);
        assertThat(sent).filteredOn(l -> l.matches("\\S+ SUBSCRIBE .*")).singleElement()
                .satisfies(l -> assertThat(l).endsWith("SUBSCRIBE Lists.dev"));
        assertThat(dovecot.subscribed(user)).contains("Lists/dev").doesNotContain("Receipts");
    }

    @Test
    void aJournaledCopyCreatesItsDestinationAheadOfItsStatus(@TempDir Path state) throws Exception {
        String user = dovecot.newUser("journal");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("receipt 1"), TestMessage.of("old 1")));
        dovecot.createMailbox(user, "Old");
        String rules = """
                rules:
                  - name: receipts
                    match: {subject: receipt}
                    copy_to: Receipts
                  - name: old
                    match: {subject: old}
                    copy_to: Old
                """;

        List<RunResult> results = EndToEnd.once(EndToEnd.dovecotConfig(dovecot, user, false, rules),
                Optional.of(new StateDir(state)));

        assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
        assertThat(dovecot.fetch(user, "Receipts")).hasSize(1);
        assertThat(dovecot.fetch(user, "Old")).hasSize(1);
        List<String> sent = dovecot.rawCommands(user);
        assertThat(sent).as("no LIST before the STATUS").noneMatch(l -> l.matches("\\S+ LIST .*(Receipts|Old).*"))
                .containsSubsequence(List.of(sent.stream().filter(l -> l.endsWith("CREATE Receipts")).findFirst()
                        .orElseThrow(), sent.stream().filter(l -> l.contains("STATUS Receipts")).findFirst()
                        .orElseThrow()));
        assertThat(sent).filteredOn(l -> l.matches("\\S+ SUBSCRIBE .*")).singleElement()
                .satisfies(l -> assertThat(l).endsWith("SUBSCRIBE Receipts"));
        assertThat(dovecot.subscribed(user)).contains("Receipts").doesNotContain("Old");
    }

    @Test
    void aKeptConnectionCreatesADestinationOnce() throws Exception {
        String user = dovecot.newUser("kept");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("receipt 1"), TestMessage.of("list 1")));
        Config config = EndToEnd.dovecotConfig(dovecot, user, false, RULES);
        Account account = config.accounts().values().iterator().next();
        List<RuleSpec> rules = config.enabledRules().stream().map(RuleConfig::spec).toList();
        RunSettings settings = new RunSettings(false, 100_000, Optional.empty(), false, Optional.empty(),
                ZoneOffset.UTC, Clock.systemUTC(), Optional.empty());
        try (ImapConnection connection = Connections.open(account)) {
            RunResult first = run(connection, account, rules, settings);
            assertThat(connection.counter().count("CREATE")).isEqualTo(2);
            dovecot.append(user, "INBOX", TestMessage.of("list 2").toBytes());

            RunResult second = run(connection, account, rules, settings);

            assertThat(first.ruleStats()).anySatisfy(s -> assertThat(s.moved()).isEqualTo(1));
            assertThat(second.ruleStats()).anySatisfy(s -> assertThat(s.moved()).isEqualTo(1));
            assertThat(connection.counter().count("CREATE")).as("the second run sends no CREATE").isEqualTo(2);
        }
        assertThat(dovecot.rawCommands(user)).filteredOn(l -> l.matches("\\S+ CREATE .*")).hasSize(2);
        assertThat(dovecot.fetch(user, "Lists/dev")).hasSize(2);
        assertThat(dovecot.fetch(user, "Receipts")).hasSize(2);  // no copy record without a state directory
        assertThat(dovecot.subscribed(user)).contains("Receipts", "Lists/dev");
    }

    private static RunResult run(ImapConnection connection, Account account, List<RuleSpec> rules,
                                 RunSettings settings) {
        RunResult result = new MailboxRun(connection, account.id(), "INBOX", rules, account.trashMailbox(), settings)
                .execute();
        assertThat(result.error()).isEmpty();
        return result;
    }
}
