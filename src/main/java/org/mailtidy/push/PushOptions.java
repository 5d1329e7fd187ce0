package org.mailtidy.push;

import java.time.Duration;
import org.mailtidy.schedule.DaemonOptions;

/**
 * Timings and limits of push ({@code on: arrival}). Like {@link DaemonOptions} they have no keys in
 * the configuration file; each can be changed with a system property ({@code -Dmailtidy.push_watchdog=30s}).
 *
 * @param watchdog       a watching connection that died without a word (a NAT or firewall dropped it)
 *                       is noticed within this time: IDLE is ended and a NOOP sent every half of it, and
 *                       each answer is awaited at most the other half. Also re-issues IDLE well before the
 *                       29 minutes of RFC 2177 section 3
 * @param quiet          a run starts once no new mail has been reported for this long ...
 * @param maxDelay       ... or this long after the first report, whichever comes first (a burst of 500
 *                       messages is one run, a steady stream one run per {@code maxDelay})
 * @param maxConnections watching connections per account when the server has no NOTIFY (one IDLE per
 *                       mailbox); servers allow 10 to 20 per user, and the account's rule connection
 *                       counts too
 * @param pollInterval   how often the mailboxes beyond {@code maxConnections} are polled (STATUS)
 */
public record PushOptions(Duration watchdog, Duration quiet, Duration maxDelay, int maxConnections,
                          Duration pollInterval) {

    /** RFC 2177 section 3: a server may drop a client that IDLEs for 30 minutes; re-IDLE before 29. */
    static final Duration MAX_WATCHDOG = Duration.ofMinutes(50);

    public PushOptions {
        if (watchdog.compareTo(Duration.ofMillis(200)) < 0 || watchdog.compareTo(MAX_WATCHDOG) > 0) {
            throw new IllegalArgumentException("push watchdog must be between 200ms and 50m: " + watchdog);
        }
        if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("push needs 0 <= quiet <= max delay: " + quiet + ", " + maxDelay);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("push needs at least one connection per account: " + maxConnections);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("push poll interval must be positive: " + pollInterval);
        }
    }

    public static PushOptions defaults() {
        return new PushOptions(Duration.ofMinutes(2), Duration.ofMillis(250), Duration.ofSeconds(2), 5,
                Duration.ofSeconds(60));
    }

    /** The defaults, each overridable by {@code mailtidy.push_<name>} (a duration, or a number for connections). */
    public static PushOptions fromSystemProperties() {
        PushOptions d = defaults();
        String connections = System.getProperty("mailtidy.push_max_connections");
        return new PushOptions(DaemonOptions.property("mailtidy.push_watchdog", d.watchdog()),
                DaemonOptions.property("mailtidy.push_quiet", d.quiet()),
                DaemonOptions.property("mailtidy.push_max_delay", d.maxDelay()),
                connections == null ? d.maxConnections() : Integer.parseInt(connections.strip()),
                DaemonOptions.property("mailtidy.push_poll_interval", d.pollInterval()));
    }

    /** How long a watching connection waits for any answer, and how long it IDLEs between NOOPs. */
    Duration halfWatchdog() {
        return watchdog.dividedBy(2);
    }

    public PushOptions withWatchdog(Duration d) {
        return new PushOptions(d, quiet, maxDelay, maxConnections, pollInterval);
    }

    public PushOptions withDebounce(Duration q, Duration max) {
        return new PushOptions(watchdog, q, max, maxConnections, pollInterval);
    }

    public PushOptions withMaxConnections(int n) {
        return new PushOptions(watchdog, quiet, maxDelay, n, pollInterval);
    }

    public PushOptions withPollInterval(Duration d) {
        return new PushOptions(watchdog, quiet, maxDelay, maxConnections, d);
    }
}
