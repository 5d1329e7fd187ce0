package org.mailtidy.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailWatch;
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
    private final Map<String, Watcher> secondaries = new LinkedHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final Watcher primary;
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
        this.primary = new Watcher(null);
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
            secondaries.values().forEach(Watcher::stop);
        }
    }

    void join(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Watcher> all = new ArrayList<>();
        all.add(primary);
        synchronized (secondaries) {
            all.addAll(secondaries.values());
        }
        for (Watcher w : all) {
            w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    /** Mailboxes by how they are watched now; a mailbox whose watcher is reconnecting is absent. */
    Map<Mode, Integer> watched() {
        Map<Mode, Integer> out = new LinkedHashMap<>();
        out.put(Mode.NOTIFY, primary.connected ? notified.size() : 0);
        int idle = primary.connected && notified.isEmpty() && primary.mailbox() != null ? 1 : 0;
        synchronized (secondaries) {
            for (Watcher w : secondaries.values()) {
                idle += w.connected ? 1 : 0;
            }
        }
        out.put(Mode.IDLE, idle);
        out.put(Mode.POLL, polled.size());
        return out;
    }

    int connections() {
        int n = primary.connected ? 1 : 0;
        synchronized (secondaries) {
            for (Watcher w : secondaries.values()) {
                n += w.connected ? 1 : 0;
            }
        }
        return n;
    }

    long reconnects() {
        return reconnects.get();
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
    private MailWatch openPrimary(ImapConnection c, Watcher self) throws ImapException {
        List<String> mailboxes = resolve(c);
        if (mailboxes.isEmpty()) {
            return null;
        }
        if (MailWatch.canNotify(c)) {
            assign(List.of(), List.of());
            notified = mailboxes;
            self.watching = null;
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
        self.watching = mailboxes.get(0);
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
                    Watcher w = new Watcher(m);
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

    /** One watching connection with its own reconnect loop; {@code mailbox} null for the primary. */
    private final class Watcher {
        private final String fixedMailbox;
        private final Thread thread;
        private volatile MailWatch watch;
        private volatile boolean connected;
        private volatile boolean retired;
        private volatile String watching;
        private int failures;

        Watcher(String mailbox) {
            this.fixedMailbox = mailbox;
            this.watching = mailbox;
            this.thread = new Thread(this::loop, "push-" + account.id() + (mailbox == null ? "" : "-" + mailbox));
            thread.setDaemon(true);
        }

        String mailbox() {
            return watching;
        }

        void start() {
            thread.start();
        }

        void stop() {
            retired = true;
            MailWatch w = watch;
            if (w != null) {
                w.wake();
            }
        }

        void join(long millis) throws InterruptedException {
            thread.join(millis);
        }

        private boolean done() {
            return retired || isStopped();
        }

        private void loop() {
            while (!done()) {
                ImapConnection c = null;
                try {
                    c = connector.connect(account);
                    MailWatch w = fixedMailbox == null ? openPrimary(c, this)
                            : MailWatch.idling(c, fixedMailbox, change -> runs.changed(account.id(), change));
                    if (w == null) {
                        c.close();
                        c = null;
                        pause(options.pollInterval());
                        continue;
                    }
                    watch = w;
                    recovered();
                    watch(w);
                } catch (ImapException e) {
                    failed(e);
                } catch (RuntimeException e) {
                    LOG.error("{}: watching {} failed", account.id(), describe(), e);
                    failed(new ImapException(e.toString()));
                } finally {
                    connected = false;
                    watch = null;
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }

        /** IDLE, NOOP, IDLE ...: each NOOP is the watchdog, and re-issues IDLE long before 29 minutes. */
        private void watch(MailWatch w) throws ImapException {
            connected = true;
            while (!done()) {
                w.idle(options.halfWatchdog());
                if (done()) {
                    return;
                }
                w.noop();
            }
        }

        private void recovered() {
            if (failures > 0) {
                LOG.info("{}: watching {} again after {} failed attempt{}", account.id(), describe(), failures,
                        failures == 1 ? "" : "s");
            }
            failures = 0;
        }

        private void failed(ImapException e) {
            if (done()) {
                return;
            }
            failures++;
            reconnects.incrementAndGet();
            Duration wait = backoff.delay(failures, () -> ThreadLocalRandom.current().nextDouble());
            if (failures == 1) {
                LOG.warn("{}: the connection watching {} for new mail failed: {}; reconnecting in {} ms (then with"
                        + " back-off; failures logged at debug level until it works again)", account.id(), describe(),
                        e.getMessage(), wait.toMillis());
            } else {
                LOG.debug("{}: watching {}: attempt {} failed: {}; next in {} ms", account.id(), describe(), failures,
                        e.getMessage(), wait.toMillis());
            }
            pause(wait);
        }

        private String describe() {
            return fixedMailbox != null ? fixedMailbox : watching != null ? watching : "mailboxes";
        }

        private void pause(Duration d) {
            try {
                stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                retired = true;
            }
        }
    }
}
