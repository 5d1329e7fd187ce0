package org.mailtidy.push;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mailtidy.config.Account;
import org.mailtidy.engine.AccountRun;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailWatch;
import org.mailtidy.schedule.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection watching for new mail, with its own reconnect loop (back-off between attempts);
 * {@code mailbox} null for an account's primary, which chooses what to watch once connected.
 */
final class WatchConnection {
    private static final Logger LOG = LoggerFactory.getLogger(WatchConnection.class);

    /** What to watch on a connection just made; null for nothing now (try again after the poll interval). */
    interface Opener {
        MailWatch open(ImapConnection c, WatchConnection self) throws ImapException;
    }

    private final Account account;
    private final Opener opener;
    private final AccountRun.Connector connector;
    private final PushOptions options;
    private final Backoff backoff;
    private final CountDownLatch stopped;
    private final AtomicLong reconnects;
    private final String fixedMailbox;
    private final Thread thread;
    private volatile MailWatch watch;
    private volatile boolean connected;
    private volatile boolean retired;
    private volatile String watching;
    private int failures;

    WatchConnection(Account account, String mailbox, Opener opener, AccountRun.Connector connector,
                    PushOptions options, Backoff backoff, CountDownLatch stopped, AtomicLong reconnects) {
        this.account = account;
        this.opener = opener;
        this.connector = connector;
        this.options = options;
        this.backoff = backoff;
        this.stopped = stopped;
        this.reconnects = reconnects;
        this.fixedMailbox = mailbox;
        this.watching = mailbox;
        this.thread = new Thread(this::loop, "push-" + account.id() + (mailbox == null ? "" : "-" + mailbox));
        thread.setDaemon(true);
    }

    String mailbox() {
        return watching;
    }

    void watching(String mailbox) {
        watching = mailbox;
    }

    boolean connected() {
        return connected;
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
        return retired || stopped.getCount() == 0;
    }

    private void loop() {
        while (!done()) {
            ImapConnection c = null;
            try {
                c = connector.connect(account);
                MailWatch w = opener.open(c, this);
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
