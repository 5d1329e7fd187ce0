package org.mailtidy.schedule;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between connection attempts after failures: doubling from {@code initial} up to
 * {@code max}, each spread by up to ±{@code jitter} so that many accounts on one server do not
 * reconnect in step.
 */
public record Backoff(Duration initial, Duration max, double jitter) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max: " + initial + ", " + max);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
    }

    /**
     * How long to wait after the {@code failures}-th consecutive failure (1 = the first).
     *
     * @param random uniform in [0, 1)
     */
    public Duration delay(int failures, DoubleSupplier random) {
        if (failures < 1) {
            return Duration.ZERO;
        }
        double base = initial.toMillis() * Math.pow(2, Math.min(failures - 1, 30));
        double capped = Math.min(base, max.toMillis());
        double spread = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(capped * spread)));
    }
}
