package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.Connections;
import org.mailtidy.testsupport.Await;
import org.mailtidy.push.PushOptions;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.TestMessage;

/**
 * The daemon on Courier-IMAP 5 (personal namespace {@code "INBOX." "."}, IDLE but no NOTIFY): a
 * scheduled wildcard and an arrival rule, both named relative to the namespace.
 */
@Tag("courier")
class DaemonCourierIT {
    @TempDir
    Path dir;

    private final Courier courier = Courier.get();

    @Test
    void aWildcardScheduleAndAnArrivalRuleFindTheirMailboxesUnderInbox() throws Exception {
        String user = courier.newUser("daemon");
        courier.load(user, "Lists/one", List.of(TestMessage.of("news a")));
        courier.load(user, "Lists/dev", List.of(TestMessage.of("hello")));
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, """
                version: 1
                accounts:
                  a: {host: 127.0.0.1, port: %d, tls: none, username: %s, password: %s, read_timeout: 10s}
                defaults: {schedule: every 1h, timezone: UTC}
                rules:
                  - {name: lists, mailboxes: ["Lists/*"], schedule: every 2s, match: {subject: news}, add_flags: [Listed]}
                  - {name: dev-arrivals, mailbox: Lists/dev, on: arrival, match: {subject: release}, add_flags: [\\Flagged]}
                """.formatted(courier.port(), user, Courier.password(user)));
        Daemon daemon = new Daemon(config, DaemonOptions.defaults().withStopGrace(Duration.ofSeconds(15)),
                PushOptions.defaults(), Connections::open, Clock.systemUTC());
        daemon.start();
        try {
            Await.await("Lists/one", Duration.ofSeconds(20), () -> flagged(user, "Lists/one", "Listed") == 1);
            courier.append(user, "Lists/dev", TestMessage.of("release 1.0"));
            Await.await("the arrival in Lists/dev", Duration.ofSeconds(20),
                    () -> flagged(user, "Lists/dev", "\\Flagged") == 1);
        } finally {
            assertThat(daemon.stop()).isZero();
        }
        assertThat(courier.fetch(user, "Lists/dev")).filteredOn(m -> m.flags().contains("Listed")).isEmpty();
        assertThat(courier.serverMailboxes(user)).contains("INBOX.Lists.one", "INBOX.Lists.dev")
                .noneMatch(n -> n.startsWith("Lists"));
    }

    private long flagged(String user, String mailbox, String flag) {
        return courier.fetch(user, mailbox).stream().filter(m -> m.flags().contains(flag)).count();
    }
}
