package org.mailtidy.schedule;

import java.nio.file.Path;

/** {@code mailtidy run}: the scheduler. */
public final class Daemon {
    private final Path configFile;

    public Daemon(Path configFile) {
        this.configFile = configFile;
    }

    /** Runs until SIGTERM/SIGINT; returns the exit status. */
    public int runUntilStopped() {
        throw new UnsupportedOperationException("the daemon is not implemented yet: " + configFile);
    }
}
