package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;

/** An account whose connection cannot even start fails alone, quickly, and with a message. */
class AccountRunFailureTest {

    private static Config twoAccounts(int firstPort, int secondPort) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("first", "127.0.0.1", firstPort, "u", "pw-first")
                + EndToEnd.account("second", "127.0.0.1", secondPort, "u", "pw-second") + """
                rules:
                  - {name: a, account: first, match: {all_messages: true}, add_flags: [X]}
                  - {name: b, account: second, match: {all_messages: true}, add_flags: [X]}
                """);
    }

    @Test
    void aBugInOneAccountsConnectionIsThatAccountsFailureOnly() throws Exception {
        Config config = twoAccounts(1, 2);
        RunSettings settings = RunSettings.from(config, false, java.util.Optional.empty(), java.util.Optional.empty());
        List<RunResult> results = new OncePass(config, settings, account -> {
            if (account.id().equals("first")) {
                throw new IllegalStateException("boom");
            }
            throw new org.mailtidy.imap.ImapException("no server here");
        }).run(OncePass.selectRules(config, List.of(), null));

        assertThat(results).extracting(RunResult::account, r -> r.error().orElse(""))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("first", "internal error: java.lang.IllegalStateException: boom"),
                        org.assertj.core.groups.Tuple.tuple("second", "no server here"));
    }

    @Test
    void aServerThatAcceptsButNeverGreetsTimesOut() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket refusing = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            accept.setDaemon(true);
            accept.start();
            int closedPort = refusing.getLocalPort();
            refusing.close();
            long start = System.nanoTime();

            List<RunResult> results = EndToEnd.once(twoAccounts(silent.getLocalPort(), closedPort));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(results).hasSize(2).noneMatch(RunResult::ok);
            assertThat(results.get(0).error()).hasValueSatisfying(e -> assertThat(e).contains("127.0.0.1:"
                    + silent.getLocalPort()).containsIgnoringCase("timed out"));
            assertThat(results.get(1).error()).hasValueSatisfying(e -> assertThat(e)
                    .startsWith("cannot connect to 127.0.0.1:" + closedPort).doesNotContain("pw-second"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
