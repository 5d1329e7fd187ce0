package org.mailtidy.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.Opening;
import org.mailtidy.mail.MailboxRef;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.PlanText;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.RuleStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a mailbox's rules: observe (SELECT, one flag/date/size fetch, one UID SEARCH per
 * distinct server-side subtree, header fetch for regex rules), plan (pure), check (safety,
 * PERMANENTFLAGS), execute the batch, report.
 */
public final class MailboxRun {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxRun.class);

    private final ImapSession connection;
    private final String account;
    private final String mailbox;
    private final List<RuleSpec> rules;
    private final Optional<String> configuredTrash;
    private final RunSettings settings;
    private final long fromUid;
    private final SendPermit permit;
    private volatile Seen seen;
    private volatile String runId = "";

    /**
     * What a run saw of the mailbox's UIDs: every message with a UID below {@code nextUid} was
     * in its snapshot or had already been expunged, so a later run from {@code nextUid} sees only
     * mail that arrived after this one.
     */
    public record Seen(long uidValidity, long nextUid) {
    }

    public MailboxRun(ImapSession connection, String account, String mailbox, List<RuleSpec> rules,
                      Optional<String> configuredTrash, RunSettings settings) {
        this(connection, account, mailbox, rules, configuredTrash, settings, 1, SendPermit.ALWAYS);
    }

    private MailboxRun(ImapSession connection, String account, String mailbox, List<RuleSpec> rules,
                       Optional<String> configuredTrash, RunSettings settings, long fromUid, SendPermit permit) {
        this.connection = connection;
        this.account = account;
        this.mailbox = mailbox;
        this.rules = List.copyOf(rules);
        this.configuredTrash = configuredTrash;
        this.settings = settings;
        this.fromUid = fromUid;
        this.permit = permit;
    }

    /**
     * The same run restricted to the messages with UID {@code uid} or higher (new mail since a
     * watermark): the snapshot is fetched with {@code UID FETCH uid:*} and every search carries
     * {@code UID uid:*}. The rules see only those messages.
     */
    public MailboxRun onlyFromUid(long uid) {
        if (uid < 1) {
            throw new IllegalArgumentException("UIDs start at 1: " + uid);
        }
        return new MailboxRun(connection, account, mailbox, rules, configuredTrash, settings, uid, permit);
    }

    /** The same run, sending each operation of its batch only while {@code p} allows (a cluster lock). */
    public MailboxRun sendingWhile(SendPermit p) {
        return new MailboxRun(connection, account, mailbox, rules, configuredTrash, settings, fromUid, p);
    }

    /** After {@link #execute()}: the mailbox's UIDs as the run saw them; empty if it never got a snapshot. */
    public Optional<Seen> seen() {
        return Optional.ofNullable(seen);
    }

    /** Runs; never throws for a server or connection problem: that becomes a failed result. */
    public RunResult execute() {
        Instant started = settings.clock().instant();
        runId = settings.runId().orElseGet(() -> RunIds.next(started));
        long startedNanos = System.nanoTime();
        Map<String, Long> before = connection.counter().snapshot();
        try {
            Optional<CopyJournal> journal = copyJournal();
            CopyJournaling journaling = journal.isEmpty() ? CopyJournaling.NONE : new CopyJournaling(journal,
                    Optional.of(CopyRecovery.prepare(connection, journal.get(), fromUid == 1)));
            try (MailboxSession box = connection.select(mailbox, settings.dryRun(), opening(started))) {
                Outcome outcome;
                try {
                    outcome = run(box, started, journaling);
                } finally {
                    settings.progress().idle();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
                RunResult result = new RunResult(account, mailbox, outcome.error().isEmpty() ? RunResult.Status.OK
                        : RunResult.Status.FAILED, outcome.messages(), outcome.stats(), took, commandsSince(before),
                        outcome.plan().map(PlanText::summaries).orElse(List.of()), outcome.notes(), outcome.error(),
                        runId);
                logSummary(result, outcome.cache());
                return result;
            }
        } catch (ImapException | RunFailure | RuntimeException | Error e) {
            Crashes.rethrowIfFatal(e);
            Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
            boolean unexpected = e instanceof RuntimeException || e instanceof Error;
            String why = unexpected ? Crashes.describe(e) : e.getMessage();
            if (unexpected) {
                Crashes.log(LOG, "mailbox run " + account + " / " + mailbox + " failed", e);
            }
            RunResult result = new RunResult(account, mailbox, RunResult.Status.FAILED, 0, List.of(), took,
                    commandsSince(before), List.of(), List.of(), Optional.of(why), runId);
            logSummary(result, "");
            return result;
        }
    }

    /** The pending-copy journal: kept only with a state directory, and never for a dry run. */
    private Optional<CopyJournal> copyJournal() {
        if (settings.dryRun()) {
            return Optional.empty();
        }
        return settings.state().map(s -> new CopyJournal(s.mailboxFile("journal", account, mailbox, ".bin")));
    }

    /**
     * What a run that got a snapshot found and did.
     *
     * @param acknowledged counts of what the server acknowledged; empty in a dry run (which reports the plan's)
     */
    private record Outcome(int messages, String cache, Optional<MailboxPlan> plan,
                           Optional<List<RuleStats>> acknowledged, List<String> notes, Optional<String> error) {
        Outcome {
            notes = List.copyOf(notes);
        }

        /** What the run reports per rule: acknowledged work, or in a dry run what the rules would do. */
        List<RuleStats> stats() {
            return plan.map(p -> acknowledged.orElseGet(p::ruleStats)).orElse(List.of());
        }
    }

    private Outcome run(MailboxSession box, Instant started, CopyJournaling journaling) throws ImapException {
        List<String> notes = new ArrayList<>();
        settings.progress().phase(account, mailbox, String.format(java.util.Locale.ROOT, "reading %,d messages",
                box.exists()));
        IncrementalObservation cached = IncrementalObservation.of(settings, connection, box, account, mailbox,
                fromUid);
        MailboxSnapshot snapshot = Snapshots.of(box.uidValidity(), cached.table());
        int messages = snapshot.size();
        String cache = cached.outcome();
        seen = new Seen(box.uidValidity(), nextUid(box, snapshot));
        RememberedCopies copies;
        try {
            copies = RememberedCopies.load(settings.state(), account, mailbox, rules, box, journaling.recovery(),
                    snapshot.uids());
        } catch (RunFailure f) {
            return new Outcome(messages, cache, Optional.empty(), Optional.empty(), notes,
                    Optional.ofNullable(f.getMessage()));
        }
        PlanContext context = new PlanContext(started, LocalDate.ofInstant(started, settings.zone()),
                RulesOnServer.trashMailbox(connection, account, rules, configuredTrash), copies.prior());
        MailboxPlan plan = observeAndPlan(box, snapshot, context, cached);
        RulesOnServer.noteGmailDeletes(Provider.isGmail(connection), mailbox, rules, plan, context, notes);
        Optional<List<RuleStats>> nothingDone = settings.dryRun() ? Optional.empty()
                : Optional.of(Acknowledged.nothingDone(plan));
        try {
            PlanChecks.check(box, plan, rules, settings.maxDeletes());
            if (settings.dryRun()) {
                return new Outcome(messages, cache, Optional.of(plan), nothingDone, notes, Optional.empty());
            }
            RunAuditLines lines = new RunAuditLines(runId, account, mailbox);
            List<AuditLog.Line> audit = settings.audit().isEmpty() ? List.of() : lines.ofPlan(box, plan, started);
            if (settings.backupDir().isPresent() && !plan.deletedUids().isEmpty()) {
                settings.progress().phase(account, mailbox, String.format(java.util.Locale.ROOT,
                        "saving %,d messages to backup_dir", plan.deletedUids().size()));
            }
            Map<Long, BackupWriter.Saved> saved = new BackupWriter(settings.backupDir(), account, mailbox)
                    .save(box, plan.deletedUids().toArray(), settings.progress());
            if (!saved.isEmpty()) {
                audit = audit.stream().map(l -> {
                    BackupWriter.Saved b = l.action().equals("delete") ? saved.get(l.uid()) : null;
                    return b == null ? l : l.withBackup(b.file().toString(), b.internalDate());
                }).toList();
            }
            settings.progress().phase(account, mailbox, "sending the changes");
            PlanSending.Sent sent = new PlanSending(connection, box, new MailboxRef(account, mailbox), settings,
                    permit, notes).send(new PlanSending.Batch(snapshot, plan, audit, copies, started,
                    seen.nextUid(), fromUid == 1), journaling, lines);
            return new Outcome(messages, cache, Optional.of(plan), Optional.of(sent.acknowledged()), notes,
                    sent.error());
        } catch (RunFailure f) {
            return new Outcome(messages, cache, Optional.of(plan), nothingDone, notes,
                    Optional.ofNullable(f.getMessage()));
        }
    }

    /**
     * What the run will ask right after SELECT, so that it goes in the SELECT's flight (docs/adr/0015):
     * the table and the searches when no mailbox cache answers them. The searches are rendered as
     * {@link #observeAndPlan} will, with the trash mailbox as configured (it changes what rules do,
     * not what they search); the session uses an answer only for a request equal to the one written.
     */
    private Opening opening(Instant started) {
        if (!IncrementalObservation.withoutStoredCache(settings, account, mailbox, fromUid)) {
            return Opening.NONE;
        }
        PlanContext guess = new PlanContext(started, LocalDate.ofInstant(started, settings.zone()), configuredTrash);
        List<RuleSpec> effectiveRules = RulesOnServer.rulesIn(mailbox, rules, guess, Provider.isGmail(connection),
                connection.sentDatesInUtc());
        return new Opening(fromUid, EvidenceGathering.searchesWithoutCache(effectiveRules, guess, fromUid));
    }

    /** The evidence (search answers, header fields) is no longer referenced once the plan is made. */
    private MailboxPlan observeAndPlan(MailboxSession box, MailboxSnapshot snapshot, PlanContext context,
                                       IncrementalObservation cached) throws ImapException {
        List<RuleSpec> effectiveRules = RulesOnServer.rulesIn(mailbox, rules, context, Provider.isGmail(connection),
                connection.sentDatesInUtc());
        ServerEvidence evidence = EvidenceGathering.gather(box, snapshot, effectiveRules, context, cached);
        cached.save();
        return settings.audit().isPresent() && !settings.dryRun()
                ? Planner.plan(effectiveRules, snapshot, evidence, context)
                : Planner.planWithoutAudit(effectiveRules, snapshot, evidence, context);
    }

    /** UIDNEXT at SELECT, or past the highest UID fetched if mail arrived between SELECT and the fetch. */
    private long nextUid(MailboxSession box, MailboxSnapshot snapshot) {
        long[] uids = snapshot.uids();
        long afterFetched = uids.length == 0 ? fromUid : uids[uids.length - 1] + 1;
        return Math.max(Math.max(box.uidNext(), afterFetched), fromUid);
    }

    private Map<String, Long> commandsSince(Map<String, Long> before) {
        Map<String, Long> now = connection.counter().snapshot();
        Map<String, Long> diff = new java.util.TreeMap<>();
        now.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                diff.put(k, d);
            }
        });
        return diff;
    }

    private void logSummary(RunResult r, String cache) {
        int matched = 0;
        int changed = 0;
        int moved = 0;
        int deleted = 0;
        for (var s : r.ruleStats()) {
            matched += s.matched();
            changed += s.flagsChanged();
            moved += s.moved();
            deleted += s.deleted();
        }
        long commands = r.commands().values().stream().mapToLong(Long::longValue).sum();
        if (r.ok()) {
            LOG.info("{} {}: run {}, {} messages{}, {} rules, matched {}, flags changed {}, moved {}, deleted {}{}, {} commands, {} ms",
                    account, mailbox, r.runId(), r.messages(), cache, rules.size(), matched, changed, moved, deleted,
                    settings.dryRun() ? " (dry run, nothing sent)" : "", commands, r.duration().toMillis());
        } else {
            LOG.warn("{} {}: run {} failed after {} ms: {}", account, mailbox, r.runId(), r.duration().toMillis(),
                    r.error().orElse("?"));
        }
    }
}
