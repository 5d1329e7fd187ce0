package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.HostileImapServer;
import org.mailtidy.testsupport.HostileImapServer.Behaviour;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * {@code mailtidy once} with one misbehaving server next to a good Dovecot account: the good
 * account's changes are made and shown, the hostile one's run fails with one line that names the
 * server and what it sent, the exit status is 1, and no stack trace is printed or logged.
 */
@Tag("dovecot")
class HostileServerOnceIT {
    private static final Dovecot DOVECOT = Dovecot.get();

    /** What the reason says for each misbehaviour. */
    private static final Map<Behaviour, String> REASONS = Map.ofEntries(
            Map.entry(Behaviour.HUGE_LITERAL, "sent a 2,000,000,000-octet literal (limit 50 MB); disconnected"),
            Map.entry(Behaviour.ENDLESS_LINE, "sent a response line longer than 1,048,612 octets"),
            Map.entry(Behaviour.HUGE_EXISTS, "sent * 1,000,000,000 EXISTS (limit 2,000,000 messages per mailbox)"),
            Map.entry(Behaviour.SLOW_TRICKLE, "did not finish answering SELECT within 2s (command_timeout)"),
            Map.entry(Behaviour.RANDOM_BYTES_AFTER_LOGIN, "; disconnected"),
            Map.entry(Behaviour.CUT_MID_RESPONSE, "UID FETCH in INBOX failed: the connection to 127.0.0.1:"),
            Map.entry(Behaviour.HUGE_SEARCH, "answered with more UIDs than the 3 messages the mailbox holds"),
            Map.entry(Behaviour.BYE_MID_COMMAND, "server shutting down, try later"),
            Map.entry(Behaviour.UIDVALIDITY_CHANGE, "UIDVALIDITY"),
            Map.entry(Behaviour.MANY_KEYWORDS, "sent 100,000 flags for UID 1 (limit 1,000)"),
            Map.entry(Behaviour.SLOW_GREETING, "did not complete the greeting and login within 2s (login_timeout)"),
            Map.entry(Behaviour.STOPS_READING, "did not finish answering UID SEARCH within 2s (command_timeout)"));

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void oneHostileServerFailsOnlyItsOwnRun(Behaviour behaviour, @TempDir Path dir) throws Exception {
        String user = DOVECOT.newUser("beside");
        DOVECOT.writeMaildir(user, "INBOX", List.of(TestMessage.of("invoice 1"), TestMessage.of("hello")));
        try (HostileImapServer hostile = HostileImapServer.start(behaviour)) {
            Path config = Files.writeString(dir.resolve("mailtidy.yaml"), """
                    version: 1
                    accounts:
                      good: {host: 127.0.0.1, port: %d, tls: none, username: %s, password: '%s'}
                      hostile: {host: 127.0.0.1, port: %d, tls: none, username: someone, password: anything,
                                read_timeout: 30s, command_timeout: 2s, login_timeout: 2s}
                    rules:
                      - name: flag-invoices
                        account: good
                        match: {subject: invoice}
                        add_flags: [\\Flagged]
                      - name: flag-hostile
                        account: hostile
                        match: {subject: hostile}
                        add_flags: [\\Flagged]
                    """.formatted(DOVECOT.imapPort(), user, Dovecot.password(user), hostile.port()));

            CliTest.Run r;
            List<ILoggingEvent> events;
            try (Capture capture = new Capture()) {
                r = CliTest.run("once", "-c", config.toString());
                events = capture.events();
            }

            String all = r.out() + r.err();
            assertThat(hostile.misbehaved()).as("the script reached its misbehaviour").isTrue();
            assertThat(r.status()).as(all).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(r.out()).as(all).containsPattern("good\\s+INBOX\\s+flag-invoices\\s+1\\s+1\\s+0\\s+0\\s+0")
                    .contains("good INBOX: ok, 2 messages");
            assertThat(DOVECOT.fetch(user, "INBOX")).extracting(StoredMessage::flags)
                    .containsExactlyInAnyOrder(java.util.Set.of("\\Flagged"), java.util.Set.of());
            assertThat(r.out()).as("the hostile account is in the table, without a count of changes")
                    .containsPattern("hostile\\s+\\S+\\s+(flag-hostile\\s+\\d+|\\(failed\\)\\s+-)\\s+-\\s+-\\s+-\\s+-");
            List<String> failed = r.out().lines().filter(l -> l.matches("hostile \\S+: .*")).toList();
            assertThat(failed).as(all).isNotEmpty().allSatisfy(l -> assertThat(l).contains(": FAILED: "));
            assertThat(failed).as(all).anySatisfy(l -> assertThat(l).contains(REASONS.get(behaviour)));
            if (behaviour != Behaviour.UIDVALIDITY_CHANGE) {
                assertThat(failed).as("names the server").anySatisfy(l -> assertThat(l)
                        .contains("127.0.0.1:" + hostile.port()));
            }
            assertThat(all).doesNotContain("\tat ").doesNotContain("Exception in thread");
            assertThat(events).as("no stack trace logged above DEBUG")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
            assertThat(hostile.commands()).as("nothing changed on the lying server")
                    .noneMatch(c -> c.matches("\\S+ UID (STORE|EXPUNGE|MOVE|COPY).*"));
        }
    }

    /** Log events at INFO and above, as the default log level prints them. */
    private static final class Capture implements AutoCloseable {
        private final Logger root = (Logger) org.slf4j.LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Capture() {
            appender.start();
            root.addAppender(appender);
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        @Override
        public void close() {
            root.detachAppender(appender);
        }
    }
}
