package org.mailtidy.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.config.Schedule;
import org.mailtidy.engine.MailboxPatterns;

/**
 * The jobs a configuration needs: one per (account, mailbox name or pattern) named by an enabled
 * rule that has a schedule, each with the distinct schedules of those rules (one Quartz trigger per
 * schedule, or per Quartz expression of a crontab line). Pure: no I/O, no Quartz.
 *
 * @param jobs             in the order in which rules first name them
 * @param arrivalOnlyRules enabled rules with {@code on: arrival} and no schedule (not scheduled)
 */
public record JobPlan(List<Job> jobs, List<String> arrivalOnlyRules) {

    public JobPlan {
        jobs = List.copyOf(jobs);
        arrivalOnlyRules = List.copyOf(arrivalOnlyRules);
    }

    /**
     * One job.
     *
     * @param pattern   a mailbox name or LIST pattern, INBOX in canonical case
     * @param schedules distinct schedules, first-named first, with the schedule as parsed
     */
    public record Job(String account, String pattern, Map<ScheduleKey, Schedule> schedules) {
        public Job {
            schedules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schedules));
        }
    }

    public static JobPlan of(Config config) {
        Map<List<String>, Map<ScheduleKey, Schedule>> jobs = new LinkedHashMap<>();
        List<String> arrivalOnly = new ArrayList<>();
        for (RuleConfig rule : config.enabledRules()) {
            if (rule.schedule().isEmpty()) {
                arrivalOnly.add(rule.name());
                continue;
            }
            Schedule schedule = rule.schedule().get();
            for (String account : config.accounts().keySet()) {
                if (!rule.appliesTo(account)) {
                    continue;
                }
                for (String pattern : rule.mailboxes()) {
                    jobs.computeIfAbsent(List.of(account, MailboxPatterns.canonical(pattern)),
                            k -> new LinkedHashMap<>()).putIfAbsent(ScheduleKey.of(schedule), schedule);
                }
            }
        }
        List<Job> out = new ArrayList<>();
        jobs.forEach((k, schedules) -> out.add(new Job(k.get(0), k.get(1), schedules)));
        return new JobPlan(out, arrivalOnly);
    }

    /**
     * The rules of one mailbox run: the account's enabled rules with this schedule that apply to the
     * concrete mailbox (by any of their names or patterns), in file order. Rules of other jobs are
     * included, so a mailbox named by several patterns gets one run with all its rules.
     */
    public static List<RuleConfig> rulesFor(Config config, String account, ScheduleKey schedule, String mailbox) {
        return config.enabledRules().stream()
                .filter(r -> r.appliesTo(account))
                .filter(r -> r.schedule().map(s -> ScheduleKey.of(s).equals(schedule)).orElse(false))
                .filter(r -> MailboxPatterns.matchesAny(r.mailboxes(), mailbox))
                .toList();
    }

    public boolean isEmpty() {
        return jobs.isEmpty();
    }
}
