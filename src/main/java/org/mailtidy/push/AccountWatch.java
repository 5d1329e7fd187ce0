package org.mailtidy.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailWatch;
import org.mailtidy.schedule.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one account's arrival mailboxes for new mail on connections of their own. The primary
 * watcher connects, resolves the mailbox patterns (LIST) and, if the server has NOTIFY (RFC 5465),
 * watches all of them on its one connection. Otherwise it IDLEs on the first mailbox and starts one
 * more watcher per mailbox up to {@link PushOptions#maxConnections()}; the mailboxes beyond that are
 * polled. Every watcher reconnects with back-off and, on connecting, reports each of its mailboxes'
 * UIDNEXT, so mail that arrived while it was away is caught up.
 */
final class AccountWatch {
    private static final Logger LOG = LoggerFactory.getLogger(AccountWatch.class);

    /** How a mailbox is watched right now. */
    enum Mode { NOTIFY, IDLE, POLL }

    private final Account account;
    private final List<String> patterns;
    private final AccountRun.Connector connector;
    private final PushOptions options;
    private final Backoff backoff;
    private final ArrivalRuns runs;
    private final ScheduledExecutorService poller;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, WatchConnection> secondaries = new LinkedHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final WatchConnection primary;
    private volatile List<String> polled = List.of();
    private volatile List<String> notified = List.of();
    private ScheduledFuture<?> pollTask;
    private List<String> loggedOverflow = List.of();
    private List<String> loggedMissing = List.of();

    AccountWatch(Account account, List<String> patterns, AccountRun.Connector connector, PushOptions options,
                 Backoff backoff, ArrivalRuns runs, ScheduledExecutorService poller) {
        this.account = withReadTimeout(account, options.halfWatchdog());
        this.patterns = List.copyOf(patterns);
        this.connector = connector;
        this.options = options;
        this.backoff = backoff;
        this.runs = runs;
        this.poller = poller;
        this.primary = watcher(null);
    }

    /** The watching connections wait for an answer at most this long: that is what notices a dead one. */
    static Account withReadTimeout(Account a, Duration timeout) {
        return new Account(a.id(), a.host(), a.port(), a.tls(), a.username(), a.secret(), a.auth(), a.oauth2(),
                a.trashMailbox(), a.allowPlaintext(), a.caFile(), a.connectTimeout(), timeout, a.limits());
    }

    String accountId() {
        return account.id();
    }

    List<String> patterns() {
        return patterns;
    }

    void start() {
        primary.start();
        long every = options.pollInterval().toMillis();
        pollTask = poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Ends every watch (DONE, LOGOUT) without waiting; {@link #join(Duration)} waits. */
    void stop() {
        stopped.countDown();
        if (pollTask != null) {
            pollTask.cancel(false);
        }
        primary.stop();
        synchronized (secondaries) {
            secondaries.values().forEach(WatchConnection::stop);
        }
    }

    void join(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<WatchConnection> all = new ArrayList<>();
        all.add(primary);
        synchronized (secondaries) {
            all.addAll(secondaries.values());
        }
        for (WatchConnection w : all) {
            w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    /** Mailboxes by how they are watched now; a mailbox whose watcher is reconnecting is absent. */
    Map<Mode, Integer> watched() {
        Map<Mode, Integer> out = new LinkedHashMap<>();
        out.put(Mode.NOTIFY, primary.connected() ? notified.size() : 0);
        int idle = primary.connected() && notified.isEmpty() && primary.mailbox() != null ? 1 : 0;
        synchronized (secondaries) {
            for (WatchConnection w : secondaries.values()) {
                idle += w.connected() ? 1 : 0;
            }
        }
        out.put(Mode.IDLE, idle);
        out.put(Mode.POLL, polled.size());
        return out;
    }

    int connections() {
        int n = primary.connected() ? 1 : 0;
        synchronized (secondaries) {
            for (WatchConnection w : secondaries.values()) {
                n += w.connected() ? 1 : 0;
            }
        }
        return n;
    }

    long reconnects() {
        return reconnects.get();
    }

    /** A watching connection for {@code mailbox}, or the primary (null), which chooses its mailboxes itself. */
    private WatchConnection watcher(String mailbox) {
        WatchConnection.Opener opener = mailbox == null ? this::openPrimary
                : (c, self) -> MailWatch.idling(c, mailbox, change -> runs.changed(account.id(), change));
        return new WatchConnection(account, mailbox, opener, connector, options, backoff, stopped, reconnects);
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void poll() {
        for (String mailbox : polled) {
            runs.poll(account.id(), mailbox);
        }
    }

    /** The primary's choice after connecting: what to watch on its own connection. */
    private MailWatch openPrimary(ImapConnection c, WatchConnection self) throws ImapException {
        List<String> mailboxes = resolve(c);
        if (mailboxes.isEmpty()) {
            return null;
        }
        if (MailWatch.canNotify(c)) {
            assign(List.of(), List.of());
            notified = mailboxes;
            self.watching(null);
            MailWatch w = MailWatch.notifying(c, mailboxes, change -> runs.changed(account.id(), change));
            LOG.info("{}: watching {} mailbox{} for new mail with NOTIFY on one connection", account.id(),
                    mailboxes.size(), mailboxes.size() == 1 ? "" : "es");
            return w;
        }
        notified = List.of();
        if (!c.hasCapability("IDLE")) {
            if (!mailboxes.equals(loggedOverflow)) {
                loggedOverflow = List.copyOf(mailboxes);
                LOG.warn("{}: the server has neither NOTIFY nor IDLE; arrival mailboxes are polled every {}s: {}",
                        account.id(), options.pollInterval().toSeconds(), mailboxes);
            }
            assign(List.of(), mailboxes);
            return null;
        }
        int cap = Math.min(options.maxConnections(), mailboxes.size());
        List<String> rest = mailboxes.subList(cap, mailboxes.size());
        if (!rest.isEmpty() && !rest.equals(loggedOverflow)) {
            loggedOverflow = List.copyOf(rest);
            LOG.warn("{}: the server has no NOTIFY (RFC 5465), so each watched mailbox needs a connection of its own;"
                    + " {} mailboxes have arrival rules and at most {} connections are used, so {} are polled every"
                    + " {}s instead: {}", account.id(), mailboxes.size(), options.maxConnections(), rest.size(),
                    options.pollInterval().toSeconds(), rest);
        }
        assign(mailboxes.subList(1, cap), rest);
        self.watching(mailboxes.get(0));
        MailWatch w = MailWatch.idling(c, mailboxes.get(0), change -> runs.changed(account.id(), change));
        LOG.info("{}: watching {} for new mail with IDLE{}", account.id(), mailboxes.get(0),
                cap > 1 ? " (and " + (cap - 1) + " more mailboxes on connections of their own)" : "");
        return w;
    }

    /** Starts and stops the other watchers so that exactly {@code idle} have one; polls {@code rest}. */
    private void assign(List<String> idle, List<String> rest) {
        synchronized (secondaries) {
            for (String m : List.copyOf(secondaries.keySet())) {
                if (!idle.contains(m) || isStopped()) {
                    secondaries.remove(m).stop();
                }
            }
            for (String m : idle) {
                if (!secondaries.containsKey(m) && !isStopped()) {
                    WatchConnection w = watcher(m);
                    secondaries.put(m, w);
                    w.start();
                }
            }
        }
        List<String> newlyPolled = rest.stream().filter(m -> !polled.contains(m)).toList();
        polled = List.copyOf(rest);
        for (String m : newlyPolled) {
            runs.poll(account.id(), m);
        }
    }

    /** The existing mailboxes the patterns name, in first-named order (wildcards in LIST order). */
    private List<String> resolve(ImapConnection c) throws ImapException {
        List<String> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String pattern : patterns) {
            List<String> found = c.list(pattern);
            if (found.isEmpty() && !MailboxPatterns.isWildcard(pattern)) {
                missing.add(pattern);
            }
            for (String name : found) {
                if (out.stream().noneMatch(n -> MailboxPatterns.sameMailbox(n, name))) {
                    out.add(name);
                }
            }
        }
        if (!missing.equals(loggedMissing)) {
            loggedMissing = missing;
            if (!missing.isEmpty()) {
                LOG.warn("{}: mailboxes {} of arrival rules do not exist; they are watched once they do (after a"
                        + " reconnect or reload)", account.id(), missing);
            }
        }
        return out;
    }
}
