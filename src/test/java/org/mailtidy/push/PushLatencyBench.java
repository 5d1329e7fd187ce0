package org.mailtidy.push;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mailtidy.push.PushDovecotIT.awaitWatching;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.daemon.Daemon;
import org.mailtidy.engine.Connections;
import org.mailtidy.imap.ConnectionSettings;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * Arrival-to-action latency of push with the default push options: {@code bench/push-latency.sh}
 * (or {@code -Dpush.latency=200}); skipped otherwise. Another client APPENDs one message at a time;
 * the latency is from just before its APPEND to the moment a third connection, asking
 * {@code UID FETCH uid (FLAGS)} every 5 ms, sees the flag the arrival rule sets. Writes
 * {@code target/push-latency-<mode>.csv} and prints median, p90, p99 and max.
 */
@Tag("dovecot")
class PushLatencyBench {
    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void withNotify() throws Exception {
        measure("notify", dovecot.imapPort());
    }

    @Test
    void withIdleOnly() throws Exception {
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("NOTIFY"))) {
            measure("idle", proxy.port());
        }
    }

    private void measure(String mode, int port) throws Exception {
        String count = System.getProperty("push.latency");
        assumeTrue(count != null, "latency bench only with -Dpush.latency=200 (bench/push-latency.sh)");
        int n = Integer.parseInt(count);
        String user = dovecot.newUser("latency-" + mode);
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("before")));
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, "version: 1\naccounts:\n" + PushDovecotIT.account(user, port)
                + "rules:\n  - {name: tag, account: a, on: arrival, match: {subject: invoice}, add_flags: [Done]}\n");
        Daemon daemon = new Daemon(config, DaemonOptions.defaults(), PushOptions.defaults(), Connections::open,
                Clock.systemUTC());
        daemon.start();
        long[] latencies = new long[n];
        try (ImapConnection observer = ImapConnection.connect(dovecot.settings(user,
                ConnectionSettings.Security.NONE));
             Store appender = Session.getInstance(new Properties()).getStore("imap")) {
            awaitWatching(daemon, mode, 1);
            appender.connect("127.0.0.1", dovecot.imapPort(), user, Dovecot.password(user));
            Folder inbox = appender.getFolder("INBOX");
            Session session = Session.getInstance(new Properties());
            SelectedMailbox box = observer.select("INBOX", true);
            for (int i = 0; i < n; i++) {
                long uid = i + 2;
                Message m = new MimeMessage(session, new ByteArrayInputStream(
                        TestMessage.of("invoice " + i).toBytes()));
                long t0 = System.nanoTime();
                inbox.appendMessages(new Message[] {m});
                while (!done(box.fetchTable(uid), uid)) {
                    if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                        throw new AssertionError("message " + uid + " not handled within 30 s");
                    }
                    Thread.sleep(5);
                }
                latencies[i] = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(50 + (i % 7) * 20);
            }
        } finally {
            daemon.stop();
        }
        StringBuilder csv = new StringBuilder("message,latency_ms\n");
        for (int i = 0; i < n; i++) {
            csv.append(i).append(',').append(latencies[i]).append('\n');
        }
        Files.writeString(Path.of("target", "push-latency-" + mode + ".csv"), csv);
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("push latency (%s, %d messages): median %d ms, p90 %d ms, p99 %d ms, max %d ms, min %d ms%n",
                mode, n, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted[n - 1],
                sorted[0]);
    }

    private static boolean done(MessageTable table, long uid) {
        int i = table.indexOf(uid);
        return i >= 0 && table.flags(i).contains("Done");
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
