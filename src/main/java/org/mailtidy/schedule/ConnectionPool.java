package org.mailtidy.schedule;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.engine.RunResult;

/** The {@link AccountConnection} of every configured account. */
final class ConnectionPool {
    private final Map<String, AccountConnection> byAccount = new ConcurrentHashMap<>();
    private final AccountRun.Connector connector;
    private final Backoff backoff;
    private final Clock clock;

    ConnectionPool(AccountRun.Connector connector, Backoff backoff, Clock clock) {
        this.connector = connector;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Adds new accounts, updates changed ones, closes the connections of removed ones. */
    void reconfigure(Map<String, Account> accounts) {
        accounts.forEach((id, a) -> byAccount.computeIfAbsent(id, k -> new AccountConnection(a, connector, backoff,
                clock)).reconfigure(a));
        for (String id : List.copyOf(byAccount.keySet())) {
            if (!accounts.containsKey(id)) {
                byAccount.remove(id).retire();
            }
        }
    }

    AccountConnection get(String account) {
        AccountConnection c = byAccount.get(account);
        if (c == null) {
            throw new IllegalArgumentException("no account " + account);
        }
        return c;
    }

    /** Records a mailbox run's outcome on its account (an account a reload removed is ignored). */
    void ran(RunResult result) {
        AccountConnection c = byAccount.get(result.account());
        if (c != null) {
            c.ran(result.ok(), result.error().orElse(null));
        }
    }

    void closeIdle(Duration idle) {
        byAccount.values().forEach(c -> c.closeIfIdle(idle));
    }

    /** Closes every connection, waiting at most {@code wait} in all for runs that hold one. */
    void shutdown(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (AccountConnection c : byAccount.values()) {
            c.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    List<AccountConnection.Snapshot> snapshots() {
        List<AccountConnection.Snapshot> out = new ArrayList<>();
        byAccount.values().forEach(c -> out.add(c.snapshot()));
        out.sort(java.util.Comparator.comparing(AccountConnection.Snapshot::account));
        return out;
    }
}
