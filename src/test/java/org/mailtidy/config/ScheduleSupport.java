package org.mailtidy.config;

/**
 * Schedules are parsed by {@link ScheduleParser}, written on another branch. Tests whose files
 * contain schedules run once it is there and are skipped (not passed) before.
 */
final class ScheduleSupport {

    private ScheduleSupport() {
    }

    static boolean parserAvailable() {
        try {
            ScheduleParser.parse("every 15m");
            return true;
        } catch (UnsupportedOperationException | ScheduleParser.InvalidSchedule e) {
            return false;
        }
    }
}
