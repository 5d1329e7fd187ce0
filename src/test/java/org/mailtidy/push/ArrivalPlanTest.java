package org.mailtidy.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;

class ArrivalPlanTest {
    private static Config config(String rules) throws Exception {
        return ConfigLoader.load("""
                version: 1
                accounts:
                  a: {host: 127.0.0.1, username: u, password: p, tls: none}
                  b: {host: 127.0.0.1, username: u, password: p, tls: none}
                rules:
                """ + rules, Path.of("t.yaml"), Map.of());
    }

    @Test
    void watchesTheMailboxesOfEnabledArrivalRulesPerAccountInFirstNamedOrder() throws Exception {
        Config c = config("""
                  - {name: r1, account: a, on: arrival, mailboxes: [Lists/*, inbox], match: {seen: true}, add_flags: [X]}
                  - {name: r2, account: a, on: arrival, schedule: every 5m, mailboxes: [INBOX, Work], match: {seen: true}, add_flags: [X]}
                  - {name: r3, account: a, schedule: every 5m, mailbox: Scheduled, match: {seen: true}, add_flags: [X]}
                  - {name: r4, account: b, on: arrival, enabled: false, match: {seen: true}, add_flags: [X]}
                """);

        ArrivalPlan plan = ArrivalPlan.of(c);

        assertThat(plan.patternsByAccount()).containsOnlyKeys("a");
        assertThat(plan.patternsByAccount().get("a")).containsExactly("Lists/*", "INBOX", "Work");
        assertThat(ArrivalPlan.rulesFor(c, "a", "Lists/x")).extracting(RuleConfig::name).containsExactly("r1");
        assertThat(ArrivalPlan.rulesFor(c, "a", "INBOX")).extracting(RuleConfig::name).containsExactly("r1", "r2");
        assertThat(ArrivalPlan.rulesFor(c, "a", "Scheduled")).isEmpty();
        assertThat(ArrivalPlan.rulesFor(c, "b", "INBOX")).isEmpty();
    }

    @Test
    void pushOptionsRefuseAWatchdogThatWouldLetIdleRunPastRfc2177sTwentyNineMinutes() {
        assertThatThrownBy(() -> PushOptions.defaults().withWatchdog(Duration.ofMinutes(59)))
                .hasMessageContaining("between 200ms and 50m");
        assertThat(PushOptions.defaults().halfWatchdog()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> PushOptions.defaults().withMaxConnections(0))
                .hasMessageContaining("at least one connection");
        assertThat(List.of(PushOptions.defaults().quiet(), PushOptions.defaults().maxDelay()))
                .containsExactly(Duration.ofMillis(250), Duration.ofSeconds(2));
    }
}
