package org.mailtidy.cli;

import java.util.Locale;
import java.util.Set;

/** Sets the properties {@link BuiltInLogging} reads; must run before the first logger exists. */
final class LogSetup {
    static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    private LogSetup() {
    }

    static void beforeLogging(String level, boolean journald) {
        String l = LEVELS.contains(level) ? level : "info";
        System.setProperty("mailtidy.log.level", l.toUpperCase(Locale.ROOT));
        // The protocol trace only at trace: it contains message data.
        System.setProperty("mailtidy.log.angus", l.equals("trace") ? "TRACE" : "WARN");
        if (journald) {
            System.setProperty("mailtidy.log.pattern", "%-5level %logger{0}: %msg%n");
            System.setProperty("mailtidy.log.journald", "true");
        }
        org.mailtidy.imap.ImapLogging.install();
    }
}
