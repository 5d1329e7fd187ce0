package org.mailtidy.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;

/** An {@code on: arrival} rule for a group of thousands watches at most the push budget's accounts. */
class PushGroupBoundTest {
    @TempDir
    Path dir;

    @Test
    void theFirstAccountsUpToTheBudgetAreWatched() throws Exception {
        Path users = dir.resolve("users.txt");
        Files.writeString(users, String.join("\n", IntStream.range(0, 1000).mapToObj(i -> "u" + i).toList()));
        Config c = ConfigLoader.load("""
                version: 1
                accounts:
                  staff: {host: 127.0.0.1, tls: none, users_file: %s, master_user: m, password: p}
                rules:
                  - {name: r, account: staff, on: arrival, match: {subject: x}, add_flags: [X]}
                """.formatted(users), Path.of("t.yaml"), Map.of());
        ArrivalPlan all = ArrivalPlan.of(c);
        assertThat(all.patternsByAccount()).hasSize(1000);

        ArrivalPlan watched = Push.firstAccounts(all, Push.CONNECTION_BUDGET);

        assertThat(watched.patternsByAccount()).hasSize(Push.CONNECTION_BUDGET).containsKeys("staff/u0", "staff/u63")
                .doesNotContainKey("staff/u64");
        assertThat(Push.connectionsPerAccount(5, watched.patternsByAccount().size())).isEqualTo(1);
    }
}
