package org.mailtidy.config;

/** Parses the {@code schedule} value of a rule or of {@code defaults}. */
public final class ScheduleParser {

    private ScheduleParser() {
    }

    /** A schedule that cannot be read; the message says what was expected. */
    public static final class InvalidSchedule extends Exception {
        public InvalidSchedule(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code every <duration>}, a 5-field crontab line or a 6/7-field Quartz cron expression.
     */
    public static Schedule parse(String text) throws InvalidSchedule {
        throw new UnsupportedOperationException("TODO");
    }
}
