package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Account;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.testsupport.DelayProxy;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's idle check: a mailbox that did not change since the last run (the mailbox cache's
 * HIGHESTMODSEQ and UIDNEXT, QRESYNC) costs one round trip on the account's open connection, counted
 * by the delay proxy: the SELECT, with this run's UNSELECT written without waiting (the previous run's
 * was answered while the connection was idle; had the next run come sooner, in its flight).
 */
@Tag("dovecot")
class IdleCheckRoundTripsDovecotIT {
    private static final long RTT_MILLIS = 40;
    private static final String RULES = """
            rules:
              - name: read-old-newsletters
                match: {from: newsletter@, seen: false, older_than: 30d}
                add_flags: [\\Seen]
              - name: invoices
                match:
                  subject_regex: '(?i)\\binvoice\\b'
                set_flags: [\\Seen, Invoice]
              - name: dev-list
                match: {header: {List-Id: dev.lists.example.org}}
                move_to: Lists/dev
              - name: purge-newsletters
                match: {from: newsletter@, seen: true, older_than: 365d}
                delete: true
            """;

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void anUnchangedMailboxCostsOneRoundTripOnTheOpenConnection() throws Exception {
        String user = dovecot.newUser("idle");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(200, "idle").stream().map(SampleMail.Sample::raw)
                .toList());
        dovecot.createMailbox(user, "Lists/dev");
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), RTT_MILLIS)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false, RULES);
            Account account = config.accounts().values().iterator().next();
            List<RuleSpec> rules = config.enabledRules().stream().map(RuleConfig::spec).toList();
            RunSettings settings = new RunSettings(false, 100_000, Optional.empty(), false, Optional.empty(),
                    ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC),
                    Optional.of(new StateDir(temp.resolve("state"))));
            try (ImapConnection connection = Connections.open(account)) {
                DelayProxy.Connection counted = proxy.connections().get(0);
                RunResult tidying = run(connection, account, rules, settings);
                assertThat(tidying.ruleStats().stream().mapToInt(s -> s.flagsChanged() + s.moved() + s.deleted())
                        .sum()).isPositive();
                // the second run reads back the first run's own changes (the cache keeps the first
                // SELECT's HIGHESTMODSEQ) and changes nothing
                run(connection, account, rules, settings);
                // the second run's UNSELECT, written and not waited for, is answered while the
                // connection is idle; the idle check's flight is what the proxy counts from here
                assertThat(counted.awaitAnswered(10_000)).isTrue();

                int before = counted.roundTrips();
                RunResult idle = run(connection, account, rules, settings);
                int idleCheck = counted.roundTrips() - before;

                assertThat(idle.ruleStats().stream().mapToInt(s -> s.flagsChanged() + s.moved() + s.deleted())
                        .sum()).isZero();
                List<List<String>> flights = counted.flights();
                assertThat(idleCheck).as(counted.toString()).isEqualTo(1);
                assertThat(flights.get(flights.size() - 1)).as(counted.toString())
                        .anySatisfy(line -> assertThat(line).contains("SELECT INBOX"))
                        .noneSatisfy(line -> assertThat(line).contains("NOOP"));
            }
        }
    }

    private static RunResult run(ImapConnection connection, Account account, List<RuleSpec> rules,
                                 RunSettings settings) {
        RunResult result = new MailboxRun(connection, account.id(), "INBOX", rules, account.trashMailbox(), settings)
                .execute();
        assertThat(result.error()).isEmpty();
        return result;
    }
}
