package org.mailtidy.config;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A time in a rule file's example ({@code received}, {@code sent}): a date, a date-time, or a
 * duration ago. Resolved when {@code check} runs, in {@code defaults.timezone}.
 */
public sealed interface ExampleTime {

    /** The moment meant, at {@code now} in {@code zone}. */
    ZonedDateTime resolve(Instant now, ZoneId zone);

    /** {@code 120d ago}; {@code now} is {@code Ago(Duration.ZERO)}. */
    record Ago(Duration duration) implements ExampleTime {
        @Override
        public ZonedDateTime resolve(Instant now, ZoneId zone) {
            return now.minus(duration).atZone(zone);
        }
    }

    /** {@code 2026-01-31}: the start of that day. */
    record Day(LocalDate date) implements ExampleTime {
        @Override
        public ZonedDateTime resolve(Instant now, ZoneId zone) {
            return date.atStartOfDay(zone);
        }
    }

    /** {@code 2026-01-31 14:30} (in the configured zone) or with an offset ({@code 2026-01-31T14:30:00+01:00}). */
    record At(LocalDateTime local, java.util.Optional<java.time.ZoneOffset> offset) implements ExampleTime {
        @Override
        public ZonedDateTime resolve(Instant now, ZoneId zone) {
            return offset.<ZonedDateTime>map(o -> OffsetDateTime.of(local, o).toZonedDateTime())
                    .orElseGet(() -> local.atZone(zone));
        }
    }
}
