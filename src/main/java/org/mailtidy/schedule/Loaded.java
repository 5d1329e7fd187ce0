package org.mailtidy.schedule;

import java.time.Instant;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.engine.RunSettings;

/**
 * The configuration the daemon runs with. Replaced as a whole by a reload; a run reads it once
 * when it starts, so a reload never changes a run in progress.
 *
 * @param digest       SHA-256 of the file's bytes, to tell a real change from an editor's touch
 * @param fileModified the file's modification time when it was read (in a cluster, tells a
 *                     roll-back from a node that missed an update)
 */
public record Loaded(Config config, JobPlan plan, RunSettings settings, Instant loadedAt, String digest,
              Instant fileModified) {

    Optional<ScheduleKey> schedule(String account, String pattern, String scheduleId) {
        return plan.jobs().stream()
                .filter(j -> j.account().equals(account) && j.pattern().equals(pattern))
                .flatMap(j -> j.schedules().keySet().stream())
                .filter(k -> k.id().equals(scheduleId))
                .findFirst();
    }
}
