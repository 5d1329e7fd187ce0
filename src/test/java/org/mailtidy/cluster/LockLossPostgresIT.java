package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxRun;
import org.mailtidy.engine.RunResult;
import org.mailtidy.engine.RunSettings;
import org.mailtidy.imap.ConnectionSettings;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.Postgres;
import org.mailtidy.testsupport.TestMessage;

/**
 * When the connection that holds a mailbox's advisory lock is lost (its server process terminated
 * with {@code pg_terminate_backend}), the claim knows at once, another node can take the mailbox,
 * and the run in progress sends nothing more.
 */
@Tag("postgres")
@Tag("dovecot")
class LockLossPostgresIT {
    private final Postgres postgres = Postgres.get();

    private ClusterDatabase database() throws Exception {
        ClusterDatabase db = new ClusterDatabase(postgres.newDatabase("lockloss"), Postgres.USER, Postgres.PASSWORD);
        QuartzSchema.ensure(db);
        return db;
    }

    private void terminate(ClusterDatabase db, int pid) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClaimWhoseConnectionIsTerminatedIsNoLongerHeldAndAnotherNodeTakesTheMailbox() throws Exception {
        ClusterDatabase db = database();
        try (RunTable one = new RunTable(db, "one"); RunTable two = new RunTable(db, "two")) {
            RunTable.Claim claim = one.claim("a", "INBOX", "s", Instant.now(), false, () -> false).orElseThrow();
            assertThat(claim.held()).isTrue();
            assertThat(two.claim("a", "INBOX", "s2", Instant.now(), false, () -> true)).as("locked by one").isEmpty();

            terminate(db, one.backendPid());

            assertThat(claim.held()).isFalse();
            assertThat(two.claim("a", "INBOX", "s2", Instant.now(), false, () -> false)).isPresent();
            assertThat(claim.held()).as("and it stays lost after the node reconnects").isFalse();
        }
    }

    @Test
    void aRunWhoseLockIsLostMidBatchSendsNothingMore() throws Exception {
        ClusterDatabase db = database();
        Dovecot dovecot = Dovecot.get();
        String user = dovecot.newUser("lockloss");
        List<TestMessage> mail = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mail.add(TestMessage.of("alpha " + i));
            mail.add(TestMessage.of("beta " + i));
            mail.add(TestMessage.of("gamma " + i));
        }
        dovecot.writeMaildir(user, "INBOX", mail);
        Config config = ConfigLoader.load("""
                version: 1
                accounts:
                  a: {host: 127.0.0.1, port: 143, tls: none, username: u, password: p}
                rules:
                  - {name: a, schedule: every 1h, match: {subject: alpha}, add_flags: [A]}
                  - {name: b, schedule: every 1h, match: {subject: beta}, add_flags: [B]}
                  - {name: c, schedule: every 1h, match: {subject: gamma}, delete: true}
                """, Path.of("lockloss.yaml"), Map.of());

        RunResult result;
        try (RunTable table = new RunTable(db, "one");
             FaultProxy proxy = FaultProxy.to("127.0.0.1", dovecot.imapPort())) {
            RunTable.Claim claim = table.claim("a", "INBOX", "s", Instant.now(), false, () -> false).orElseThrow();
            int pid = table.backendPid();
            // the first command that changes anything reaches the server; the lock is gone right after it
            proxy.arm(FaultProxy.Fault.hook("(?i)^UID STORE ", () -> terminate(db, pid)));
            try (ImapConnection c = ImapConnection.connect(ConnectionSettings.login("127.0.0.1", proxy.port(),
                    ConnectionSettings.Security.NONE, user, Dovecot.password(user)))) {
                result = new MailboxRun(c, "a", "INBOX", config.rules().stream().map(RuleConfig::spec).toList(),
                        Optional.empty(), RunSettings.from(config, false, Optional.empty(), Optional.empty()))
                        .sendingWhile(() -> claim.held() ? Optional.empty() : Optional.of("lock lost"))
                        .execute();
            }
            assertThat(proxy.fired()).isTrue();
            List<String> changes = proxy.commands().stream()
                    .filter(l -> l.matches("(?i)\\S+ UID (STORE|COPY|MOVE|EXPUNGE)\\b.*")).toList();
            // the STOREs of one flight are written together (pipelining, issue 15), before the lock is
            // lost: the permit is asked before each flight, so nothing follows that flight
            assertThat(changes).as("only the flight in progress when the lock was lost").isNotEmpty()
                    .allMatch(l -> l.matches("(?i)\\S+ UID STORE .*"));
        }
        assertThat(result.ok()).isFalse();
        assertThat(result.error()).hasValue("lock lost; nothing more was sent");
        assertThat(dovecot.fetch(user, "INBOX")).as("no UID EXPUNGE was sent: every message is still there")
                .hasSize(15);
    }
}
