package org.mailtidy.daemon;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailtidy.cluster.ClusterNode;
import org.mailtidy.schedule.AccountConnection;
import org.mailtidy.schedule.JobPlan;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.QuartzJobs;
import org.mailtidy.schedule.RunLedger;

/**
 * What {@code /status} and the status page show, read once: {@link Status} makes it, the JSON and
 * the HTML page render the same snapshot.
 */
record StatusReport(Instant at, boolean schedulerRunning, Optional<Loaded> loaded,
                    Optional<Daemon.ReloadOutcome> lastReload, Optional<ClusterNode.Summary> cluster,
                    List<AccountConnection.Snapshot> accounts, List<JobReport> jobs) {

    StatusReport {
        accounts = List.copyOf(accounts);
        jobs = List.copyOf(jobs);
    }

    /** One scheduled job (an account and a mailbox or pattern), its triggers and its mailboxes' last runs. */
    record JobReport(JobPlan.Job job, List<QuartzJobs.TriggerInfo> triggers, Optional<Instant> nextFireTime,
                     List<RunLedger.Entry> mailboxes) {
        JobReport {
            triggers = List.copyOf(triggers);
            mailboxes = List.copyOf(mailboxes);
        }
    }
}
