package org.mailtidy.schedule;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's own timings. The configuration file has no keys for them; the defaults suit a
 * service, and each can be changed with a system property ({@code -Dmailtidy.stop_grace=30s}).
 *
 * @param stopGrace      how long SIGTERM waits for runs in progress (below systemd's TimeoutStopSec=30s; with the
 *                       closing of the sockets after it, SIGTERM exits within 10 s)
 * @param backoff        delays between failed connection attempts of an account
 * @param idleClose      a connection unused this long is logged out (below the 30 minutes after which
 *                       RFC 3501 section 5.4 lets a server drop an idle client)
 * @param watchDebounce  quiet time after a change of the configuration file before it is read
 * @param clusterCheckin in a cluster, how often a node records in the database that it is alive
 *                       (Quartz's {@code clusterCheckinInterval}); a killed node's work is taken over
 *                       within about twice this plus 7.5 s
 */
public record DaemonOptions(Duration stopGrace, Backoff backoff, Duration idleClose,
                            Duration watchDebounce, Duration clusterCheckin) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public static DaemonOptions defaults() {
        return new DaemonOptions(Duration.ofSeconds(5), Backoff.DEFAULT, Duration.ofMinutes(5),
                Duration.ofMillis(500), Duration.ofMillis(7500));
    }

    /** The defaults, each overridable by {@code mailtidy.<name>} as a duration such as {@code 90s}. */
    public static DaemonOptions fromSystemProperties() {
        DaemonOptions d = defaults();
        Backoff b = d.backoff();
        return new DaemonOptions(property("mailtidy.stop_grace", d.stopGrace()),
                new Backoff(property("mailtidy.backoff_initial", b.initial()),
                        property("mailtidy.backoff_max", b.max()), b.jitter()),
                property("mailtidy.idle_close", d.idleClose()),
                property("mailtidy.watch_debounce", d.watchDebounce()),
                property("mailtidy.cluster_checkin_interval", d.clusterCheckin()));
    }

    public static Duration property(String name, Duration fallback) {
        String v = System.getProperty(name);
        return v == null ? fallback : parse(name, v);
    }

    public static Duration parse(String name, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": expected a duration such as 500ms, 30s, 5m or 1h, got \""
                    + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    public DaemonOptions withStopGrace(Duration grace) {
        return new DaemonOptions(grace, backoff, idleClose, watchDebounce, clusterCheckin);
    }

    public DaemonOptions withBackoff(Backoff b) {
        return new DaemonOptions(stopGrace, b, idleClose, watchDebounce, clusterCheckin);
    }
}
