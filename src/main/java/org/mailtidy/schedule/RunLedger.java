package org.mailtidy.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.engine.RunResult;
import org.mailtidy.mail.MailboxRef;

/**
 * What the daemon remembers of its mailbox runs: the last result of each mailbox (for status and
 * health) and, per mailbox and schedule, when the last run that reached the server started. A
 * firing whose due time is not after that start has nothing left to do: another trigger of the
 * same schedule (the second Quartz expression of a crontab line, or another pattern naming the
 * mailbox) already ran the same rules on it since.
 */
public final class RunLedger {

    /** The last run of a mailbox. */
    public record Entry(String account, String mailbox, RunResult lastResult, Instant lastStarted, Instant lastSuccess,
                 Instant runningSince) {
    }

    /** The mailbox as a key: its name in canonical form, so INBOX is INBOX however it is written. */
    private static MailboxRef key(String account, String mailbox) {
        return new MailboxRef(account, MailboxPatterns.canonical(mailbox));
    }

    private record CoverKey(MailboxRef mailbox, String schedule) {
    }

    private final Map<MailboxRef, Entry> entries = new ConcurrentHashMap<>();
    private final Map<CoverKey, Instant> covered = new ConcurrentHashMap<>();

    /** True if a run of these rules that reached the server started at or after {@code due}. */
    boolean coveredSince(String account, String mailbox, ScheduleKey schedule, Instant due) {
        Instant last = covered.get(new CoverKey(key(account, mailbox), schedule.id()));
        return last != null && !last.isBefore(due);
    }

    void started(String account, String mailbox, Instant at) {
        entries.compute(key(account, mailbox), (k, e) -> e == null
                ? new Entry(account, k.mailbox(), null, null, null, at)
                : new Entry(account, k.mailbox(), e.lastResult(), e.lastStarted(), e.lastSuccess(), at));
    }

    /**
     * Records a finished run.
     *
     * @param reachedServer false if the run failed for want of a connection (it did not do its work)
     */
    void finished(ScheduleKey schedule, Instant started, RunResult result, boolean reachedServer) {
        MailboxRef key = key(result.account(), result.mailbox());
        entries.compute(key, (k, e) -> new Entry(result.account(), k.mailbox(), result, started,
                result.ok() ? started.plus(result.duration()) : e == null ? null : e.lastSuccess(), null));
        if (reachedServer) {
            covered.merge(new CoverKey(key, schedule.id()), started, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    Optional<Entry> entry(String account, String mailbox) {
        return Optional.ofNullable(entries.get(key(account, mailbox)));
    }

    /** The entries of an account's mailboxes that match {@code pattern}, by mailbox name. */
    public List<Entry> matching(String account, String pattern) {
        List<Entry> out = new ArrayList<>();
        entries.forEach((k, e) -> {
            if (k.account().equals(account) && MailboxPatterns.matches(pattern, k.mailbox())) {
                out.add(e);
            }
        });
        out.sort(Comparator.comparing(Entry::mailbox));
        return out;
    }
}
