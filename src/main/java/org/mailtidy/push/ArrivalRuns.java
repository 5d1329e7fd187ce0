package org.mailtidy.push;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailtidy.config.Account;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.engine.MailboxRun;
import org.mailtidy.engine.RunResult;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailWatch;
import org.mailtidy.schedule.AccountConnection;
import org.mailtidy.schedule.Loaded;
import org.mailtidy.schedule.RunServices;
import org.mailtidy.mail.MailboxRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a mailbox's arrival rules on its new mail only. Each mailbox has a watermark, the UIDNEXT up
 * to which its mail has been handled (RFC 3501 section 2.3.1.1: UIDs only grow); a run takes the
 * messages from the watermark on and, when it succeeds, moves the watermark past them, so a message
 * is handled once per rule however often it is reported. A watermark is set the first time a
 * mailbox is seen: what is there then has not arrived.
 *
 * <p>Reports are debounced per mailbox: a run starts {@code quiet} after the last report, at most
 * {@code maxDelay} after the first; reports during a run lead to one more run afterwards. Runs use
 * the account's rule connection (the lease), never the watching connections.
 */
final class ArrivalRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ArrivalRuns.class);

    /** The mailbox as a key: its name in canonical form, so INBOX is INBOX however it is written. */
    private static MailboxRef key(String account, String mailbox) {
        return new MailboxRef(account, MailboxPatterns.canonical(mailbox));
    }

    /** Every message of the mailbox with a UID below {@code nextUid} has been handled. */
    record Mark(long uidValidity, long nextUid) {
    }

    private static final class Pending {
        boolean scheduled;
        boolean running;
        boolean dirty;
        long firstNanos;
        long lastNanos;
    }

    private final RunServices services;
    private final PushOptions options;
    private final Map<MailboxRef, Mark> marks = new ConcurrentHashMap<>();
    private final Map<MailboxRef, Pending> pending = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Push.daemonThreads("arrival-timer"));
    private int inFlight;

    /** {@code services.lanes()}: where the runs go, one account at a time, with the scheduled firings. */
    ArrivalRuns(RunServices services, PushOptions options) {
        this.services = services;
        this.options = options;
    }

    /** A watching connection reported the mailbox (on connecting, and on every change). */
    void changed(String account, MailWatch.Change change) {
        MailboxRef key = key(account, change.mailbox());
        LOG.trace("{} {}: reported UIDVALIDITY {} UIDNEXT {}", account, key.mailbox(), change.uidValidity(),
                change.uidNext());
        if (change.uidNextKnown()) {
            Mark known = change.uidValidity() == 0 ? marks.get(key)
                    : marks.putIfAbsent(key, new Mark(change.uidValidity(), change.uidNext()));
            if (known == null && change.uidValidity() != 0) {
                LOG.debug("{} {}: new mail from UID {} on is handled on arrival", account, key.mailbox(),
                        change.uidNext());
                return;
            }
            if (known != null && change.uidNext() <= known.nextUid()
                    && (change.uidValidity() == 0 || change.uidValidity() == known.uidValidity())) {
                return;
            }
        }
        signal(key);
    }

    /** A mailbox without a watching connection is due for a look. */
    void poll(String account, String mailbox) {
        signal(key(account, mailbox));
    }

    Optional<Mark> mark(String account, String mailbox) {
        return Optional.ofNullable(marks.get(key(account, mailbox)));
    }

    private synchronized void signal(MailboxRef key) {
        if (services.stopping().getAsBoolean() || timer.isShutdown()) {
            return;
        }
        Pending p = pending.computeIfAbsent(key, k -> new Pending());
        long now = System.nanoTime();
        if (p.running) {
            p.dirty = true;
            return;
        }
        p.lastNanos = now;
        if (!p.scheduled) {
            p.scheduled = true;
            p.firstNanos = now;
            timer.schedule(() -> due(key), options.quiet().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void due(MailboxRef key) {
        Pending p = pending.get(key);
        long now = System.nanoTime();
        long runAt = Math.min(p.lastNanos + options.quiet().toNanos(), p.firstNanos + options.maxDelay().toNanos());
        if (now - runAt < 0 && !services.stopping().getAsBoolean()) {
            timer.schedule(() -> due(key), runAt - now, TimeUnit.NANOSECONDS);
            return;
        }
        p.scheduled = false;
        if (services.stopping().getAsBoolean()) {
            return;
        }
        p.running = true;
        inFlight++;
        if (!services.lanes().submit(key.account(), key, () -> run(key))) {
            p.running = false;
            inFlight--;
            notifyAll();
        }
    }

    private void run(MailboxRef key) {
        try {
            runOnce(key);
        } catch (RuntimeException e) {
            LOG.error("arrival run of {} {} failed", key.account(), key.mailbox(), e);
        } finally {
            synchronized (this) {
                Pending p = pending.get(key);
                p.running = false;
                inFlight--;
                notifyAll();
                if (p.dirty) {
                    p.dirty = false;
                    signal(key);
                }
            }
        }
    }

    private void runOnce(MailboxRef key) {
        Loaded loaded = services.current().get();
        if (!loaded.config().accounts().containsKey(key.account())) {
            return;
        }
        List<RuleConfig> rules = ArrivalPlan.rulesFor(loaded.config(), key.account(), key.mailbox());
        if (rules.isEmpty()) {
            return;
        }
        Account account = loaded.config().account(key.account());
        MDC.put("account", key.account());
        MDC.put("mailbox", key.mailbox());
        try (AccountConnection.Lease lease = services.pool().get(key.account()).acquire(services.stopping())) {
            if (lease == null) {
                return;
            }
            ImapConnection connection = lease.connection();
            MailWatch.Change now = MailWatch.status(connection, key.mailbox());
            Mark mark = marks.get(key);
            if (!now.uidNextKnown()) {
                LOG.debug("{} {}: the server gave no UIDNEXT; nothing can be told new", key.account(), key.mailbox());
                return;
            }
            if (mark == null) {
                marks.putIfAbsent(key, new Mark(now.uidValidity(), now.uidNext()));
                return;
            }
            if (now.uidValidity() != mark.uidValidity()) {
                LOG.warn("{} {}: UIDVALIDITY changed from {} to {}, so which messages are new cannot be told;"
                        + " arrival rules go on with mail arriving from now on", key.account(), key.mailbox(),
                        mark.uidValidity(), now.uidValidity());
                marks.put(key, new Mark(now.uidValidity(), now.uidNext()));
                return;
            }
            if (now.uidNext() <= mark.nextUid()) {
                return;
            }
            MailboxRun run = new MailboxRun(connection, account.id(), key.mailbox(),
                    rules.stream().map(RuleConfig::spec).toList(), account.trashMailbox(), loaded.settings())
                    .onlyFromUid(mark.nextUid());
            RunResult result = run.execute();
            services.metrics().record(result, services.clock().instant());
            services.pool().ran(result);
            Optional<MailboxRun.Seen> seen = run.seen();
            if (result.ok() && seen.isPresent() && seen.get().uidValidity() == mark.uidValidity()) {
                marks.merge(key, new Mark(mark.uidValidity(), seen.get().nextUid()),
                        (a, b) -> b.nextUid() > a.nextUid() ? b : a);
            } else if (!lease.connectionAlive()) {
                retryLater(key);
            }
        } catch (ImapException e) {
            LOG.warn("{} {}: cannot handle new mail now: {}", key.account(), key.mailbox(), e.getMessage());
            retryLater(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("account");
            MDC.remove("mailbox");
        }
    }

    /** The rule connection is down: look again when its back-off allows, not only at the next report. */
    private void retryLater(MailboxRef key) {
        Instant next = services.pool().get(key.account()).snapshot().nextAttempt();
        long delay = next == null ? 0 : Duration.between(services.clock().instant(), next).toMillis();
        delay = Math.max(delay, Math.max(100, options.quiet().toMillis()));
        if (!timer.isShutdown()) {
            timer.schedule(() -> signal(key), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops starting runs and waits at most {@code wait} for the ones in progress. */
    synchronized boolean shutdown(Duration wait) throws InterruptedException {
        timer.shutdownNow();
        long deadline = System.nanoTime() + wait.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return inFlight == 0;
    }
}
