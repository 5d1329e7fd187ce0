package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;

/** The users of a group spread over part of their schedule's period, each always at the same offset. */
class JitterTest {
    private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Config config(int users, String schedule) throws Exception {
        Path file = dir.resolve("users.txt");
        Files.writeString(file, String.join("\n", IntStream.range(0, users).mapToObj(i -> "user" + i).toList()));
        return ConfigLoader.load("""
                version: 1
                accounts:
                  staff: {host: 127.0.0.1, tls: none, users_file: %s, master_user: m, password: p}
                  own: {host: 127.0.0.1, tls: none, username: u, password: p}
                rules:
                  - {name: r, account: "*", schedule: "%s", match: {seen: true}, delete: true}
                """.formatted(file, schedule), Path.of("test.yaml"), Map.of());
    }

    @Test
    void aGroupsUsersOnOneEveryScheduleStartSpreadOverMostOfThePeriodAndKeepTheirPhase() throws Exception {
        Config c = config(1000, "every 15m");
        Set<Instant> starts = new HashSet<>();
        for (JobPlan.Job job : JobPlan.of(c).jobs()) {
            Instant start = start(QuartzJobs.triggers(job, ZoneOffset.UTC, ANCHOR, ANCHOR, Duration.ofMinutes(15)));
            if (job.account().equals("own")) {
                assertThat(start).isEqualTo(ANCHOR);
                continue;
            }
            assertThat(start).isBetween(ANCHOR, ANCHOR.plus(Duration.ofMillis(810_000 - 1)));
            // the same account gets the same offset at every reload and on every node
            assertThat(start(QuartzJobs.triggers(job, ZoneOffset.UTC, ANCHOR, ANCHOR, Duration.ofMinutes(15))))
                    .isEqualTo(start);
            starts.add(start);
        }
        assertThat(starts).hasSizeGreaterThan(990);
        long firstMinute = starts.stream().filter(s -> s.isBefore(ANCHOR.plusSeconds(60))).count();
        // 13.5 minutes of spread: about 74 of 1000 land in the first minute, never most of them
        assertThat(firstMinute).isBetween(30L, 150L);
    }

    @Test
    void aCrontabLineCarriesTheSpreadForTheJobAndTheMaximumBoundsIt() throws Exception {
        Config c = config(50, "0 3 * * *");
        for (JobPlan.Job job : JobPlan.of(c).jobs()) {
            List<Trigger> triggers = QuartzJobs.triggers(job, ZoneOffset.UTC, ANCHOR, ANCHOR, Duration.ofMinutes(10));
            assertThat(triggers).singleElement().satisfies(t -> {
                if (job.account().equals("own")) {
                    assertThat(t.getJobDataMap()).doesNotContainKey(MailboxJob.JITTER);
                } else {
                    assertThat(Long.parseLong(t.getJobDataMap().getString(MailboxJob.JITTER)))
                            .isBetween(0L, Duration.ofMinutes(10).toMillis() - 1);
                }
            });
        }
        assertThat(Jitter.of("staff/x", Duration.ofDays(1), Duration.ZERO)).isZero();
        assertThat(Jitter.of("plain", Duration.ofDays(1), Duration.ofHours(1))).isZero();
    }

    private static Instant start(List<Trigger> triggers) {
        assertThat(triggers).singleElement().isInstanceOf(SimpleTrigger.class);
        return triggers.get(0).getStartTime().toInstant();
    }
}
