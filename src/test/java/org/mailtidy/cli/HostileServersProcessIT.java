package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.HostileImapServer;
import org.mailtidy.testsupport.HostileImapServer.Behaviour;
import org.mailtidy.testsupport.TestMessage;

/**
 * {@code mailtidy once} as its own JVM with a small heap ({@code -Xmx64m}, exiting on an
 * OutOfMemoryError) and every hostile server at once next to a good Dovecot account: before the
 * limits, the huge literal, the endless line and the huge EXISTS each ended in an
 * OutOfMemoryError. Now the process finishes, the good account's run is ok, every hostile account
 * has its one-line reason, and nothing prints a stack trace.
 */
@Tag("dovecot")
class HostileServersProcessIT {
    private static final Dovecot DOVECOT = Dovecot.get();

    @Test
    void everyHostileServerAtOnceInASmallHeap(@TempDir Path dir) throws Exception {
        String user = DOVECOT.newUser("allhostile");
        DOVECOT.writeMaildir(user, "INBOX", List.of(TestMessage.of("invoice 1")));
        List<HostileImapServer> servers = new ArrayList<>();
        try {
            StringBuilder accounts = new StringBuilder("  good: {host: 127.0.0.1, port: " + DOVECOT.imapPort()
                    + ", tls: none, username: " + user + ", password: '" + Dovecot.password(user) + "'}\n");
            StringBuilder rules = new StringBuilder("""
                      - name: flag-invoices
                        account: good
                        match: {subject: invoice}
                        add_flags: [\\Flagged]
                    """);
            for (Behaviour b : Behaviour.values()) {
                if (b == Behaviour.NONE) {
                    continue;
                }
                HostileImapServer s = HostileImapServer.start(b);
                servers.add(s);
                String id = b.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                accounts.append("  ").append(id).append(": {host: 127.0.0.1, port: ").append(s.port())
                        .append(", tls: none, username: u, password: p, command_timeout: 2s, login_timeout: 2s}\n");
                rules.append("  - {name: r-").append(id).append(", account: ").append(id)
                        .append(", match: {subject: hostile}, add_flags: [\\Flagged]}\n");
            }
            Path config = Files.writeString(dir.resolve("mailtidy.yaml"),
                    "version: 1\naccounts:\n" + accounts + "rules:\n" + rules);
            Path output = dir.resolve("output.txt");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    "org.mailtidy.cli.Main", "once", "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean finished;
            try {
                finished = p.waitFor(120, TimeUnit.SECONDS);
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(output);

            assertThat(finished).as(out).isTrue();
            assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(out).contains("good INBOX: ok, 1 messages").doesNotContain("OutOfMemoryError")
                    .doesNotContain("\tat ").doesNotContain("Exception in thread");
            for (HostileImapServer s : servers) {
                String id = s.behaviour().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                assertThat(out).as(s.behaviour().name()).containsPattern("(?m)^" + id + " \\S+: FAILED: .+$");
            }
            assertThat(DOVECOT.fetch(user, "INBOX")).singleElement()
                    .satisfies(m -> assertThat(m.flags()).containsExactly("\\Flagged"));
        } finally {
            servers.forEach(HostileImapServer::close);
        }
    }
}
