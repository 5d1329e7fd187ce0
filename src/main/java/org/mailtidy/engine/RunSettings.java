package org.mailtidy.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Optional;
import org.mailtidy.config.Config;

/**
 * What a mailbox run needs from the configuration besides the rules.
 *
 * @param dryRun       EXAMINE and report; send nothing that changes anything
 * @param maxDeletes   deletes + trashes allowed per mailbox run
 * @param backupDir    where deleted messages are saved first, if set
 * @param audit        where changes are logged, if set
 * @param zone         the zone "today" is taken in ({@code sent_older_than})
 * @param state        where caches and journals are kept between runs; empty: nothing is kept
 * @param runId        the run id every mailbox run of these settings shares (one {@code once} pass);
 *                     empty: each mailbox run makes its own ({@link RunIds})
 */
public record RunSettings(boolean dryRun, int maxDeletes, Optional<Path> backupDir, boolean expungeWithoutUidplus,
                          Optional<AuditLog> audit, ZoneId zone, Clock clock, Optional<StateDir> state,
                          Optional<String> runId, Progress progress) {

    public RunSettings(boolean dryRun, int maxDeletes, Optional<Path> backupDir, boolean expungeWithoutUidplus,
                       Optional<AuditLog> audit, ZoneId zone, Clock clock, Optional<StateDir> state) {
        this(dryRun, maxDeletes, backupDir, expungeWithoutUidplus, audit, zone, clock, state, Optional.empty(),
                Progress.NONE);
    }

    public RunSettings(boolean dryRun, int maxDeletes, Optional<Path> backupDir, boolean expungeWithoutUidplus,
                       Optional<AuditLog> audit, ZoneId zone, Clock clock, Optional<StateDir> state,
                       Optional<String> runId) {
        this(dryRun, maxDeletes, backupDir, expungeWithoutUidplus, audit, zone, clock, state, runId, Progress.NONE);
    }

    /** The same settings, with one run id for every mailbox run made with them. */
    public RunSettings withRunId(String id) {
        return new RunSettings(dryRun, maxDeletes, backupDir, expungeWithoutUidplus, audit, zone, clock, state,
                Optional.of(id), progress);
    }

    /** The same settings, reporting the runs' long phases to {@code p}. */
    public RunSettings withProgress(Progress p) {
        return new RunSettings(dryRun, maxDeletes, backupDir, expungeWithoutUidplus, audit, zone, clock, state, runId,
                p);
    }

    public static RunSettings from(Config config, boolean forceDryRun, Optional<AuditLog> audit,
                                   Optional<StateDir> state) {
        return new RunSettings(forceDryRun || config.safety().dryRun(), config.safety().maxDeletesPerRun(),
                config.safety().backupDir(), config.safety().expungeWithoutUidplus(), audit,
                config.defaults().timezone(), Clock.system(config.defaults().timezone()), state);
    }
}
