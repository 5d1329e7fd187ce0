package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;
import org.junit.jupiter.api.Test;

class JobPlanTest {

    static Config config(String rules) throws Exception {
        String yaml = """
                version: 1
                accounts:
                  a: {host: 127.0.0.1, tls: none, username: u, password: p}
                  b: {host: 127.0.0.1, tls: none, username: u, password: p}
                defaults: {schedule: every 15m, timezone: UTC}
                rules:
                """ + rules;
        return ConfigLoader.load(yaml, Path.of("test.yaml"), Map.of());
    }

    private static String describe(JobPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (JobPlan.Job j : plan.jobs()) {
            sb.append(j.account()).append(' ').append(j.pattern()).append(" -> ")
                    .append(j.schedules().keySet().stream().map(ScheduleKey::text).toList()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void oneJobPerAccountAndMailboxWithOneEntryPerDistinctSchedule() throws Exception {
        Config c = config("""
                  - {name: r1, account: a, mailboxes: [INBOX, Lists/*], match: {seen: true}, add_flags: [X]}
                  - {name: r2, account: a, mailbox: inbox, schedule: every 60s, match: {seen: true}, add_flags: [Y]}
                  - {name: r3, account: a, mailbox: INBOX, schedule: every 1m, match: {seen: true}, add_flags: [Z]}
                  - {name: r4, account: b, schedule: "0 3 * * *", match: {seen: true}, add_flags: [X]}
                  - {name: r5, account: b, schedule: "0 3 * * *", match: {seen: true}, add_flags: [Y]}
                """);
        assertThat(describe(JobPlan.of(c))).isEqualTo("""
                a INBOX -> [every 15m, every 60s]
                a Lists/* -> [every 15m]
                b INBOX -> [0 3 * * *]
                """);
    }

    @Test
    void disabledAndArrivalOnlyRulesAreNotScheduled() throws Exception {
        Config c = config("""
                  - {name: off, account: a, enabled: false, match: {seen: true}, add_flags: [X]}
                  - {name: push, account: a, on: arrival, match: {seen: true}, add_flags: [X]}
                  - {name: both, account: b, on: arrival, schedule: every 5m, match: {seen: true}, add_flags: [X]}
                """);
        JobPlan plan = JobPlan.of(c);
        assertThat(describe(plan)).isEqualTo("b INBOX -> [every 5m]\n");
        assertThat(plan.arrivalOnlyRules()).containsExactly("push");
    }

    @Test
    void aFiringRunsEveryRuleOfItsScheduleThatAppliesToTheMailboxInFileOrder() throws Exception {
        Config c = config("""
                  - {name: r1, account: a, mailbox: "*", schedule: every 2s, match: {seen: true}, add_flags: [X]}
                  - {name: r2, account: a, mailbox: Other, schedule: every 2s, match: {seen: true}, add_flags: [X]}
                  - {name: r3, account: a, mailbox: INBOX, schedule: every 2s, match: {seen: true}, add_flags: [X]}
                  - {name: r4, account: a, mailbox: INBOX, schedule: every 3s, match: {seen: true}, add_flags: [X]}
                  - {name: r5, account: b, mailbox: INBOX, schedule: every 2s, match: {seen: true}, add_flags: [X]}
                """);
        ScheduleKey every2s = JobPlan.of(c).jobs().get(0).schedules().keySet().iterator().next();
        assertThat(names(JobPlan.rulesFor(c, "a", every2s, "INBOX"))).containsExactly("r1", "r3");
        assertThat(names(JobPlan.rulesFor(c, "a", every2s, "inbox"))).containsExactly("r1", "r3");
        assertThat(names(JobPlan.rulesFor(c, "a", every2s, "Other"))).containsExactly("r1", "r2");
        assertThat(names(JobPlan.rulesFor(c, "b", every2s, "INBOX"))).containsExactly("r5");
    }

    @Test
    void aCrontabLineWithBothDayFieldsIsOneScheduleOfTwoExpressions() throws Exception {
        Config c = config("""
                  - {name: r1, account: a, schedule: "0 3 1 * 1", match: {seen: true}, add_flags: [X]}
                """);
        JobPlan.Job job = JobPlan.of(c).jobs().get(0);
        assertThat(job.schedules()).hasSize(1);
        assertThat(job.schedules().keySet().iterator().next().id()).contains(" | ");
    }

    private static List<String> names(List<RuleConfig> rules) {
        return rules.stream().map(RuleConfig::name).toList();
    }
}
