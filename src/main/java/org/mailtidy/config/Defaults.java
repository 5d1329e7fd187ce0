package org.mailtidy.config;

import java.time.ZoneId;

/** {@code defaults:} the schedule of rules that name none (default {@code every 15m}) and the time zone. */
public record Defaults(Schedule schedule, ZoneId timezone) {
}
