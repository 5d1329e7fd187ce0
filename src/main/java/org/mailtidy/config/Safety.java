package org.mailtidy.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code safety:}.
 *
 * @param maxDeletesPerRun per mailbox run, deletes and trashes counted together; default 1000
 */
public record Safety(boolean dryRun, int maxDeletesPerRun, Optional<Path> backupDir,
                     boolean expungeWithoutUidplus) {
    public static final int DEFAULT_MAX_DELETES = 1000;
}
