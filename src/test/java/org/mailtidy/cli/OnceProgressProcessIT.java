package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.TestMessage;

/**
 * {@code once} on a terminal (a pseudo-terminal from util-linux's {@code script}) shows a phase that
 * lasts longer than two seconds; the same run with standard error piped shows none. The server is
 * made slow by a proxy that holds the table fetch back for 2.6 s.
 */
@Tag("dovecot")
class OnceProgressProcessIT {
    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aSlowPhaseIsShownOnATerminalAndNeverInPipedOutput() throws Exception {
        String user = dovecot.newUser("progress");
        dovecot.writeMaildir(user, "INBOX", List.of(TestMessage.of("news 1"), TestMessage.of("news 2"),
                TestMessage.of("other")));
        String onTerminal = run(user, true);
        assertThat(onTerminal).contains("a INBOX: reading 3 messages ... 2 s").contains("\u001b[K")
                .contains("tag-news");

        String piped = run(user, false);
        assertThat(piped).contains("tag-news").doesNotContain("reading 3 messages").doesNotContain("\u001b[K");
    }

    private String run(String user, boolean terminal) throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", dovecot.imapPort())) {
            proxy.arm(FaultProxy.Fault.hook("UID FETCH", OnceProgressProcessIT::slowServer));
            Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\naccounts:\n"
                    + "  a: {host: 127.0.0.1, port: " + proxy.port() + ", tls: none, username: " + user
                    + ", password: " + Dovecot.password(user) + "}\n"
                    + "rules:\n  - {name: tag-news, match: {subject: news}, add_flags: [News]}\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' org.mailtidy.cli.Main"
                    + " once -c '" + config + "' --state-dir none";
            Path script = Files.writeString(dir.resolve("once.sh"), "exec " + command + " 2>&1\n");
            ProcessBuilder pb = terminal
                    ? new ProcessBuilder("script", "-qec", "sh " + script, "/dev/null")
                    : new ProcessBuilder("sh", script.toString());
            pb.environment().put("TERM", "xterm");
            Process p = pb.redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        }
    }

    /** The server being slow to answer the table fetch: the point of the test, not a wait for something. */
    private static void slowServer() {
        try {
            Thread.sleep(2600);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
