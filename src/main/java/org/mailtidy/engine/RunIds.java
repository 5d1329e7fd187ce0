package org.mailtidy.engine;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Run ids: the UTC second the run started and four random hex digits ({@code 20261207T163512Z-3fa9}),
 * so they sort by time, are unique across the runs of several nodes, and are short enough to type
 * after {@code mailtidy undo --run}.
 */
public final class RunIds {
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

    public static String next(Instant started) {
        return SECOND.format(started) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }
}
