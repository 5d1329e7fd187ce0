package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.quartz.CronTrigger;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;

class QuartzJobsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void everyIsASimpleTriggerOnTheGridOfTheDaemonStartThatFiresOnceAfterAMisfire() throws Exception {
        Config c = JobPlanTest.config("""
                  - {name: r1, account: a, schedule: every 10s, match: {seen: true}, add_flags: [X]}
                """);
        Instant anchor = Instant.parse("2026-01-01T00:00:00Z");
        List<Trigger> triggers = QuartzJobs.triggers(JobPlan.of(c).jobs().get(0), BERLIN, anchor,
                Instant.parse("2026-01-01T00:00:21.5Z"));
        assertThat(triggers).hasSize(1);
        SimpleTrigger t = (SimpleTrigger) triggers.get(0);
        assertThat(t.getStartTime().toInstant()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        assertThat(t.getRepeatInterval()).isEqualTo(10_000);
        assertThat(t.getRepeatCount()).isEqualTo(SimpleTrigger.REPEAT_INDEFINITELY);
        assertThat(t.getMisfireInstruction())
                .isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT);
        assertThat(t.getJobKey().getGroup()).isEqualTo("a");
        assertThat(t.getJobKey().getName()).isEqualTo("INBOX");
        assertThat(t.getJobDataMap().getString(MailboxJob.SCHEDULE)).isEqualTo("every 10000ms");
    }

    @Test
    void aCrontabLineWithBothDayFieldsGetsTwoCronTriggersInTheConfiguredZone() throws Exception {
        Config c = JobPlanTest.config("""
                  - {name: r1, account: a, schedule: "30 4 1 * 1", match: {seen: true}, add_flags: [X]}
                """);
        List<Trigger> triggers = QuartzJobs.triggers(JobPlan.of(c).jobs().get(0), BERLIN, Instant.EPOCH,
                Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(triggers).hasSize(2).allSatisfy(t -> {
            CronTrigger cron = (CronTrigger) t;
            assertThat(cron.getTimeZone().toZoneId()).isEqualTo(BERLIN);
            assertThat(cron.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
            assertThat(t.getJobDataMap().getString(MailboxJob.SCHEDULE))
                    .isEqualTo(triggers.get(0).getJobDataMap().getString(MailboxJob.SCHEDULE));
        });
        // 2026-01-01 is a Thursday: day-of-month 1 fires first, then Monday the 5th.
        assertThat(triggers.stream().map(t -> t.getFireTimeAfter(java.util.Date.from(Instant.parse(
                "2026-01-01T00:00:00Z"))).toInstant()).sorted().toList()).containsExactly(
                Instant.parse("2026-01-01T03:30:00Z"), Instant.parse("2026-01-05T03:30:00Z"));
    }

    @Test
    void gridStartsAtTheAnchorAndNeverBeforeNow() {
        Instant anchor = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(QuartzJobs.nextOnGrid(anchor, 1000, anchor)).isEqualTo(anchor);
        assertThat(QuartzJobs.nextOnGrid(anchor, 1000, anchor.minusSeconds(5))).isEqualTo(anchor);
        assertThat(QuartzJobs.nextOnGrid(anchor, 15_000, anchor.plusSeconds(15))).isEqualTo(anchor.plusSeconds(15));
        assertThat(QuartzJobs.nextOnGrid(anchor, 15_000, anchor.plusMillis(15_001))).isEqualTo(anchor.plusSeconds(30));
    }

    @Test
    void applyingANewPlanKeepsUnchangedTriggersAndReplacesTheRest() throws Exception {
        Config first = JobPlanTest.config("""
                  - {name: r1, account: a, schedule: every 1h, match: {seen: true}, add_flags: [X]}
                  - {name: r2, account: a, mailbox: Old, schedule: every 1h, match: {seen: true}, add_flags: [X]}
                """);
        Config second = JobPlanTest.config("""
                  - {name: r1, account: a, schedule: every 1h, match: {seen: true}, add_flags: [X]}
                  - {name: r3, account: a, schedule: "0 3 * * *", match: {seen: true}, add_flags: [X]}
                  - {name: r4, account: b, mailbox: New, schedule: every 2h, match: {seen: true}, add_flags: [X]}
                """);
        Instant anchor = Instant.now().minusSeconds(600);
        QuartzJobs q = new QuartzJobs(null);
        try {
            q.apply(JobPlan.of(first), BERLIN, anchor, Instant.now());
            Instant inboxNext = nextOf(q, "a", "INBOX").get(0);
            assertThat(q.triggers().keySet()).extracting(Object::toString).containsExactlyInAnyOrder("a.INBOX", "a.Old");

            q.apply(JobPlan.of(second), BERLIN, anchor, Instant.now().plusSeconds(5));
            assertThat(q.triggers().keySet()).extracting(Object::toString)
                    .containsExactlyInAnyOrder("a.INBOX", "b.New");
            assertThat(q.triggers().get(QuartzJobs.jobKey(JobPlan.of(second).jobs().get(0)))).hasSize(2);
            assertThat(nextOf(q, "a", "INBOX")).contains(inboxNext);
            assertThat(q.triggerCount()).isEqualTo(3);
        } finally {
            q.shutdown();
        }
    }

    private static List<Instant> nextOf(QuartzJobs q, String account, String pattern) {
        return q.triggers().get(org.quartz.JobKey.jobKey(pattern, account)).stream()
                .map(QuartzJobs.TriggerInfo::nextFireTime).toList();
    }
}
