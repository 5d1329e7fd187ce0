package org.mailtidy.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * How much later than its schedule a user of a group runs, so that thousands of users on the same
 * crontab line do not all connect in the same second. Deterministic per account (every node of a
 * cluster, and every restart, gives the same offset, so an account keeps its phase), within 90% of the
 * schedule's period (the load is even, and a run put off to the end still ends before its next firing)
 * and at most {@link #max()}. Accounts written out one by one are not spread: the
 * administrator chose their times.
 */
public final class Jitter {
    /** {@code -Dmailtidy.jitter_max}, else 15 minutes. */
    static final Duration DEFAULT_MAX = Duration.ofMinutes(15);

    private Jitter() {
    }

    public static Duration max() {
        return DaemonOptions.property("mailtidy.jitter_max", DEFAULT_MAX);
    }

    /** The offset of {@code account} on a schedule that fires every {@code period}; zero for accounts of no group. */
    public static Duration of(String account, Duration period, Duration max) {
        if (account.indexOf('/') < 0 || period.isZero() || period.isNegative()) {
            return Duration.ZERO;
        }
        long window = Math.min(period.toMillis() / 10 * 9, max.toMillis());
        if (window <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.floorMod(hash(account), window));
    }

    private static long hash(String account) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(account.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
