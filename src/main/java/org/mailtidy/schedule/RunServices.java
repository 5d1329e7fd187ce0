package org.mailtidy.schedule;

import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a mailbox run takes from the daemon, whether a schedule fired it ({@link Firings}) or new mail
 * did (push): the configuration loaded now, the account connections, the metrics, whether the daemon
 * is stopping, the clock, and the per-account lanes both kinds of run share.
 */
public record RunServices(Supplier<Loaded> current, ConnectionPool pool, DaemonMetrics metrics,
                          BooleanSupplier stopping, Clock clock, AccountLanes lanes) {
}
