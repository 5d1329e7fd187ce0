package org.mailtidy.engine;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapException;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.HeaderNeed;
import org.mailtidy.rules.ImapSearch;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.PlanText;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RegexOutcomes;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.rules.SearchProgram;
import org.mailtidy.rules.SentDateRegex;
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
            CopyRecovery recovery = journal.isEmpty() ? null
                    : CopyRecovery.prepare(connection, journal.get(), fromUid == 1);
            try (MailboxSession box = connection.select(mailbox, settings.dryRun())) {
                Outcome outcome;
                try {
                    outcome = run(box, started, journal, recovery);
                } finally {
                    settings.progress().idle();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
                RunResult result = new RunResult(account, mailbox, outcome.error == null ? RunResult.Status.OK
                        : RunResult.Status.FAILED, outcome.messages, outcome.stats(), took, commandsSince(before),
                        PlanText.summaries(outcome.plan), outcome.notes, Optional.ofNullable(outcome.error),
                        runId);
                logSummary(result, outcome.cache);
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

    private static final class Outcome {
        int messages;
        String cache = "";
        MailboxPlan plan;
        /** Counts of what the server acknowledged; null in a dry run (which reports the plan's). */
        List<RuleStats> acknowledged;
        String error;
        final List<String> notes = new ArrayList<>();

        /** What the run reports per rule: acknowledged work, or in a dry run what the rules would do. */
        List<RuleStats> stats() {
            return plan == null ? List.of() : acknowledged != null ? acknowledged : plan.ruleStats();
        }
    }

    private Outcome run(MailboxSession box, Instant started, Optional<CopyJournal> journal, CopyRecovery recovery)
            throws ImapException {
        Outcome out = new Outcome();
        settings.progress().phase(account, mailbox, String.format(java.util.Locale.ROOT, "reading %,d messages",
                box.exists()));
        IncrementalObservation cached = IncrementalObservation.of(settings, connection, box, account, mailbox,
                fromUid);
        MailboxSnapshot snapshot = Snapshots.of(box.uidValidity(), cached.table());
        out.messages = snapshot.size();
        out.cache = cached.outcome();
        seen = new Seen(box.uidValidity(), nextUid(box, snapshot));
        RememberedCopies copies;
        try {
            copies = RememberedCopies.load(settings.state(), account, mailbox, rules, box, recovery, snapshot.uids());
        } catch (RunFailure f) {
            out.error = f.getMessage();
            return out;
        }
        PlanContext context = new PlanContext(started, LocalDate.ofInstant(started, settings.zone()),
                trashMailbox(box), copies.prior());
        out.plan = observeAndPlan(box, snapshot, context, cached);
        noteGmailDeletes(out.plan, context, out.notes);
        if (!settings.dryRun()) {
            out.acknowledged = Acknowledged.nothingDone(out.plan);
        }
        try {
            PlanChecks.check(box, out.plan, rules, settings.maxDeletes());
            if (settings.dryRun()) {
                return out;
            }
            List<AuditLog.Line> audit = auditLines(box, out.plan, started);
            if (settings.backupDir().isPresent() && !out.plan.deletedUids().isEmpty()) {
                settings.progress().phase(account, mailbox, String.format(java.util.Locale.ROOT,
                        "saving %,d messages to backup_dir", out.plan.deletedUids().size()));
            }
            Map<Long, BackupWriter.Saved> saved = new BackupWriter(settings.backupDir(), account, mailbox)
                    .save(box, out.plan.deletedUids().toArray(), settings.progress());
            if (!saved.isEmpty()) {
                audit = audit.stream().map(l -> {
                    BackupWriter.Saved b = l.action().equals("delete") ? saved.get(l.uid()) : null;
                    return b == null ? l : l.withBackup(b.file().toString(), b.internalDate());
                }).toList();
            }
            settings.progress().phase(account, mailbox, "sending the changes");
            send(box, snapshot, out, audit, journal, recovery, copies, started);
        } catch (RunFailure f) {
            out.error = f.getMessage();
        } catch (IOException e) {
            out.error = "audit file " + settings.audit().map(AuditLog::file).orElse(null) + ": " + e.getMessage();
        }
        return out;
    }

    /**
     * Sends what an earlier broken batch still owes (full runs only), then the plan, journaling the
     * copies. If sending fails part-way, the audit still gets the lines of every message whose
     * operations all reached the server; the rest is redone (and audited) by the next run.
     */
    private void send(MailboxSession box, MailboxSnapshot snapshot, Outcome out, List<AuditLog.Line> audit,
                      Optional<CopyJournal> journal, CopyRecovery recovery, RememberedCopies copies,
                      Instant started) throws ImapException, RunFailure, IOException {
        boolean full = fromUid == 1;
        List<CopyJournal.Copy> owed = recovery == null || !full ? List.of()
                : recovery.owed(box, snapshot.uids(), out.plan, account + " " + mailbox);
        List<CopyJournal.Copy> earlier = recovery == null ? List.of() : full ? owed : recovery.carried(box, out.plan);
        JournaledBatch batch = journal.isEmpty() ? null
                : JournaledBatch.begin(journal.get(), box.uidValidity(), earlier, out.plan);
        List<List<AuditLog.Line>> owedAudit = owedAuditLines(box, owed, started);
        Acknowledged acknowledged = new Acknowledged(snapshot.uids());
        BatchExecutor executor = new BatchExecutor(connection, box, settings.expungeWithoutUidplus(), out.notes,
                out.plan, batch, acknowledged, permit);
        try {
            executor.sendOwed(owed);
            executor.send();
            out.acknowledged = acknowledged.stats(out.plan, executor.unfinished());
        } catch (ImapException | RunFailure e) {
            out.acknowledged = acknowledged.stats(out.plan, executor.unfinished());
            if (batch != null) {
                batch.forget(executor.leftAlone());
            }
            appendAfterFailure(acknowledged(where(owedAudit, executor), executor.owedCopied().size(),
                    where(audit, box, executor), executor.unfinished()));
            rememberAfterFailure(copies, executor.copiesMade());
            throw e;
        }
        boolean remembered = remember(copies, executor.copiesMade(), full ? snapshot.uids() : null, out);
        if (batch != null && remembered) {
            batch.finish();
        }
        if (!owed.isEmpty()) {
            int made = owed.stream().mapToInt(c -> c.uids().length).sum();
            out.notes.add("completed " + made + " cop" + (made == 1 ? "y" : "ies")
                    + " that an earlier run left undone (copy journal)");
        }
        if (settings.audit().isPresent()) {
            settings.audit().get().append(acknowledged(where(owedAudit, executor), owed.size(),
                    where(audit, box, executor), executor.leftAlone()));
        }
        CopyRecovery.giveFlags(connection, owed, executor.owedCopied());
    }

    /**
     * Records this run's copies so later runs do not make them again. If that fails, the journal (all
     * its copies marked done) is kept instead, and the next run records them from it.
     */
    private boolean remember(RememberedCopies copies, List<CopyLedger.Made> made, long[] present, Outcome out) {
        try {
            copies.record(made, present, seen.nextUid());
            return true;
        } catch (IOException e) {
            LOG.warn("{} {}: cannot write the copy record {}: {}", account, mailbox, copies.where(), e.toString());
            out.notes.add("cannot write the copy record " + copies.where() + " (" + e.getMessage() + "); the copy"
                    + " journal keeps this run's copies until a later run can record them");
            return false;
        }
    }

    private void rememberAfterFailure(RememberedCopies copies, List<CopyLedger.Made> made) {
        try {
            copies.record(made, null, seen.nextUid());
        } catch (IOException e) {
            LOG.warn("{} {}: cannot write the copy record {} after the failed batch ({}); its journal keeps the"
                    + " copies", account, mailbox, copies.where(), e.toString());
        }
    }

    /**
     * The lines with what only the sending told: each copy's or moved message's UID in its destination
     * (COPYUID) and the mod-sequence guard of the message's state after the run.
     */
    private static List<AuditLog.Line> where(List<AuditLog.Line> lines, MailboxSession box, BatchExecutor executor) {
        if (lines.isEmpty()) {
            return lines;
        }
        Map<String, CopiedUids> targets = new HashMap<>();
        executor.planCopied().forEach((key, c) -> targets.put("copy_to\u0000" + key, ascending(c)));
        executor.moved().forEach((mailbox, c) -> targets.put("moved\u0000" + mailbox, ascending(c)));
        List<AuditLog.Line> out = new ArrayList<>(lines.size());
        for (AuditLog.Line l : lines) {
            AuditLog.Line line = l.withModSeq(box.unchangedSinceGuard(l.uid()));
            if (l.destination() != null) {
                String key = l.action().startsWith("copy_to ") ? "copy_to\u0000" + BatchExecutor.copyKey(l.rule(),
                        l.destination()) : "moved\u0000" + l.destination();
                CopiedUids c = targets.get(key);
                int i = c == null ? -1 : Arrays.binarySearch(c.source(), l.uid());
                if (i >= 0) {
                    line = line.withDestinationUid(c.uidValidity(), c.target()[i]);
                }
            }
            out.add(line);
        }
        return out;
    }

    /** The same pairs ordered by source UID, for binary search (no map of a million boxed UIDs). */
    private static CopiedUids ascending(CopiedUids c) {
        long[] source = c.source();
        boolean sorted = true;
        for (int i = 1; i < source.length && sorted; i++) {
            sorted = source[i - 1] < source[i];
        }
        if (sorted) {
            return c;
        }
        Integer[] order = new Integer[source.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(source[a], source[b]));
        long[] s = new long[order.length];
        long[] t = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = source[order[i]];
            t[i] = c.target()[order[i]];
        }
        return new CopiedUids(c.uidValidity(), s, t);
    }

    /** The owed copies' lines with their copies' UIDs, where the server named them. */
    private static List<List<AuditLog.Line>> where(List<List<AuditLog.Line>> owedAudit, BatchExecutor executor) {
        List<List<AuditLog.Line>> out = new ArrayList<>(owedAudit.size());
        for (int i = 0; i < owedAudit.size(); i++) {
            if (i >= executor.owedCopied().size()) {
                out.add(owedAudit.get(i));
                continue;
            }
            var copied = executor.owedCopied().get(i);
            Map<Long, Long> targets = copied.targetBySource();
            out.add(owedAudit.get(i).stream().map(l -> targets.containsKey(l.uid())
                    ? l.withDestinationUid(copied.uidValidity(), targets.get(l.uid())) : l).toList());
        }
        return out;
    }

    /** The owed copies' lines that were sent, then the plan's lines of messages not in {@code unfinished}. */
    private static List<AuditLog.Line> acknowledged(List<List<AuditLog.Line>> owedAudit, int owedSent,
                                                    List<AuditLog.Line> audit, Set<Long> unfinished) {
        List<AuditLog.Line> out = new ArrayList<>();
        owedAudit.subList(0, Math.min(owedSent, owedAudit.size())).forEach(out::addAll);
        for (AuditLog.Line l : audit) {
            if (!unfinished.contains(l.uid())) {
                out.add(l);
            }
        }
        return out;
    }

    private void appendAfterFailure(List<AuditLog.Line> lines) {
        if (settings.audit().isEmpty()) {
            return;
        }
        try {
            settings.audit().get().append(lines);
        } catch (IOException e) {
            LOG.warn("{} {}: cannot append the audit lines of the changes sent before the run failed: {}", account,
                    mailbox, e.toString());
        }
    }

    /** Per owed copy, one line per message ({@code copy_to}, by the copying rule). */
    private List<List<AuditLog.Line>> owedAuditLines(MailboxSession box, List<CopyJournal.Copy> owed, Instant time)
            throws ImapException {
        if (settings.audit().isEmpty() || owed.isEmpty()) {
            return List.of();
        }
        long[] all = owed.stream().flatMapToLong(c -> LongStream.of(c.uids())).sorted().distinct()
                .toArray();
        Map<Long, String> ids = box.fetchMessageIds(all);
        List<List<AuditLog.Line>> out = new ArrayList<>();
        for (CopyJournal.Copy c : owed) {
            List<AuditLog.Line> lines = new ArrayList<>();
            for (long uid : c.uids()) {
                lines.add(new AuditLog.Line(time, runId, account, mailbox, box.uidValidity(), uid, ids.get(uid),
                        c.rule(), "copy_to " + c.mailbox(), List.of(), List.of(), c.mailbox(), 0, 0, null, null, 0));
            }
            out.add(lines);
        }
        return out;
    }

    /** The evidence (search answers, header fields) is no longer referenced once the plan is made. */
    private MailboxPlan observeAndPlan(MailboxSession box, MailboxSnapshot snapshot, PlanContext context,
                                       IncrementalObservation cached) throws ImapException {
        List<RuleSpec> effectiveRules = rulesFor(context);
        ServerEvidence evidence = observe(box, snapshot, effectiveRules, context, cached);
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

    private List<RuleSpec> rulesFor(PlanContext context) {
        return rulesIn(mailbox, rules, context, Provider.isGmail(connection), connection.sentDatesInUtc());
    }

    /**
     * The rules as this server must be asked. In the trash mailbox itself, {@code trash: true} can
     * only mean delete. Elsewhere on Gmail, {@code delete: true} means trash: there {@code \Deleted}
     * and EXPUNGE only remove the mailbox's label and leave the message in All Mail
     * (docs/servers.md). On a server whose SENT* searches convert the Date: header to UTC (Courier),
     * {@code sent_*} is evaluated by mailtidy on the Date: header, so a rule means the same on every
     * server.
     */
    static List<RuleSpec> rulesIn(String mailbox, List<RuleSpec> rules, PlanContext context, boolean gmail,
                                  boolean localSentDates) {
        boolean inTrash = context.trashMailbox().filter(t -> t.equals(mailbox)).isPresent();
        boolean deleteMeansTrash = !inTrash && deletesToTrash(gmail, rules);
        if (!inTrash && !deleteMeansTrash && !localSentDates) {
            return rules;
        }
        return rules.stream().map(r -> {
            Disposition disposition = inTrash && r.disposition() instanceof Disposition.Trash ? Disposition.DELETE
                    : deleteMeansTrash && r.disposition() instanceof Disposition.Delete ? Disposition.TRASH
                    : r.disposition();
            Criterion match = localSentDates && SentDateRegex.hasSentDates(r.match())
                    ? SentDateRegex.rewrite(r.match(), context.today()) : r.match();
            return match == r.match() && disposition == r.disposition() ? r
                    : new RuleSpec(r.name(), match, r.flagChange(), disposition, r.copyTo(), r.stop());
        }).toList();
    }

    private boolean gmailDeletesToTrash() {
        return deletesToTrash(Provider.isGmail(connection), rules);
    }

    private static boolean deletesToTrash(boolean gmail, List<RuleSpec> rules) {
        return gmail && rules.stream().anyMatch(r -> r.disposition() instanceof Disposition.Delete);
    }

    private Optional<String> trashMailbox(MailboxSession box) throws ImapException {
        return trashMailbox(connection, account, rules, configuredTrash);
    }

    /**
     * The trash mailbox, when a rule trashes (or deletes, on Gmail): the configured one, else the
     * {@code \Trash} special-use one.
     */
    static Optional<String> trashMailbox(ImapSession connection, String account, List<RuleSpec> rules,
                                         Optional<String> configuredTrash) throws ImapException {
        boolean needed = rules.stream().anyMatch(r -> r.disposition() instanceof Disposition.Trash)
                || deletesToTrash(Provider.isGmail(connection), rules);
        if (!needed) {
            return Optional.empty();
        }
        if (configuredTrash.isPresent()) {
            return configuredTrash;
        }
        Optional<String> special = connection.specialUse("\\Trash");
        if (special.isEmpty()) {
            String why = rules.stream().anyMatch(r -> r.disposition() instanceof Disposition.Trash)
                    ? "a rule says trash: true" : "a rule says delete: true, which on Gmail means moving to the trash";
            throw new ImapException(why + ", but account " + account
                    + " has no trash_mailbox and the server names no \\Trash mailbox (RFC 6154)");
        }
        return special;
    }

    /** What a Gmail run did instead of deleting, so the table's "moved" for a delete rule is explained. */
    private void noteGmailDeletes(MailboxPlan plan, PlanContext context, List<String> notes) {
        if (!gmailDeletesToTrash() || context.trashMailbox().filter(t -> t.equals(mailbox)).isPresent()) {
            return;
        }
        List<String> deleting = rules.stream().filter(r -> r.disposition() instanceof Disposition.Delete)
                .map(RuleSpec::name).toList();
        int moved = plan.ruleStats().stream().filter(s -> deleting.contains(s.rule())).mapToInt(s -> s.moved()).sum();
        if (moved > 0) {
            notes.add("on Gmail, delete moves to " + context.trashMailbox().orElse("the trash") + ": " + moved
                    + " message" + (moved == 1 ? "" : "s") + " (an expunge would only remove this mailbox's label)");
        }
    }

    private ServerEvidence observe(MailboxSession box, MailboxSnapshot snapshot, List<RuleSpec> effectiveRules,
                                   PlanContext context, IncrementalObservation cached) throws ImapException {
        ServerEvidence evidence = new ServerEvidence();
        if (snapshot.size() == 0) {
            for (Criterion q : Planner.serverQueries(effectiveRules)) {
                evidence.addSearch(q, new BitSet());
            }
            return evidence;
        }
        List<Criterion> queries = Planner.serverQueries(effectiveRules);
        List<SearchProgram> programs = queries.stream().map(q -> ImapSearch.render(q, context.today())).toList();
        Map<String, BitSet> answers = searchAll(box, snapshot, programs, cached);
        for (int i = 0; i < queries.size(); i++) {
            evidence.addSearch(queries.get(i), cached.search(programs.get(i), snapshot, (from, p) -> {
                BitSet sent = answers.remove(from + " " + p.cacheKey());
                return sent != null ? sent : search(box, snapshot, from, p);
            }));
        }
        List<Criterion.HeaderRegex> regexes = cached.keepsRegexOutcomes() ? Planner.regexCriteria(effectiveRules)
                : List.of();
        for (Criterion.HeaderRegex regex : regexes) {
            evidence.addKnownOutcomes(regex, cached.regexOutcomes(regex, snapshot));
        }
        HeaderNeed need = Planner.headerNeed(effectiveRules, snapshot, evidence, context);
        BitSet answered = need.isEmpty() ? new BitSet() : fetchHeaders(box, snapshot, need, evidence);
        for (Criterion.HeaderRegex regex : regexes) {
            BitSet fetched = need.fields().stream().anyMatch(f -> f.equalsIgnoreCase(regex.header())) ? answered
                    : new BitSet();
            int before = evidence.knownOutcomes(regex).known().cardinality();
            RegexOutcomes outcomes = evidence.learnOutcomes(regex, fetched);
            cached.keepRegexOutcomes(regex, snapshot, outcomes, outcomes.known().cardinality() > before);
        }
        return evidence;
    }

    /**
     * Fetches the needed header fields into the evidence; returns the messages the server answered
     * for (a message expunged meanwhile is not among them, and has no fields left to match).
     */
    private static BitSet fetchHeaders(MailboxSession box, MailboxSnapshot snapshot, HeaderNeed need,
                                       ServerEvidence evidence) throws ImapException {
        long[] uids = need.messages().stream().mapToLong(i -> snapshot.uids()[i]).toArray();
        BitSet answered = new BitSet();
        box.fetchHeaderFields(uids, need.fields(), (fields, uid) -> {
            int i = Arrays.binarySearch(snapshot.uids(), uid);
            if (i >= 0 && need.messages().get(i) && !answered.get(i)) {
                answered.set(i);
                evidence.addHeaders(i, fields);
            }
        });
        BitSet gone = (BitSet) need.messages().clone();
        gone.andNot(answered);
        gone.stream().forEach(i -> evidence.addHeaders(i, Map.of()));
        return answered;
    }

    /**
     * Every UID SEARCH the run's observation will ask, sent together (pipelined): one round trip
     * instead of one per search. Keyed by the UID searched from and the program's cache key.
     */
    private static Map<String, BitSet> searchAll(MailboxSession box, MailboxSnapshot snapshot,
                                                 List<SearchProgram> programs, IncrementalObservation cached)
            throws ImapException {
        Map<String, SearchProgram> asked = new java.util.LinkedHashMap<>();
        for (SearchProgram p : programs) {
            long from = cached.searchFrom(p, snapshot);
            if (from > 0) {
                asked.putIfAbsent(from + " " + p.cacheKey(), p);
            }
        }
        if (asked.size() < 2) {
            return new HashMap<>();
        }
        List<SelectedMailbox.SearchRequest> requests = new ArrayList<>();
        asked.forEach((key, p) -> requests.add(new SelectedMailbox.SearchRequest(
                restricted(p.tokens(), Long.parseLong(key.substring(0, key.indexOf(' ')))), p.utf8())));
        List<BitSet> found = box.uidSearchAll(requests, snapshot.uids());
        Map<String, BitSet> out = new HashMap<>();
        int i = 0;
        for (String key : asked.keySet()) {
            out.put(key, found.get(i++));
        }
        return out;
    }

    /** One UID SEARCH over the messages with UID {@code from} and above, as snapshot indexes. */
    private static BitSet search(MailboxSession box, MailboxSnapshot snapshot, long from, SearchProgram program)
            throws ImapException {
        return box.uidSearch(restricted(program.tokens(), from), program.utf8(), snapshot.uids());
    }

    /** Search keys are ANDed (RFC 3501 section 6.4.4), so a leading {@code UID n:*} restricts any program. */
    private static List<SearchArg> restricted(List<SearchArg> args, long fromUid) {
        if (fromUid == 1) {
            return args;
        }
        List<SearchArg> out = new ArrayList<>(args.size() + 2);
        out.add(new SearchArg.Atom("UID"));
        out.add(new SearchArg.Atom(fromUid + ":*"));
        out.addAll(args);
        return out;
    }

    private List<AuditLog.Line> auditLines(MailboxSession box, MailboxPlan plan, Instant time) throws ImapException {
        if (settings.audit().isEmpty() || plan.audit().isEmpty()) {
            return List.of();
        }
        long[] uids = plan.audit().stream().mapToLong(e -> e.uid()).distinct().sorted().toArray();
        Map<Long, String> ids = box.fetchMessageIds(uids);
        List<AuditLog.Line> lines = new ArrayList<>(plan.audit().size());
        Map<Set<Flag>, List<String>> names = new HashMap<>();
        for (int i = 0; i < plan.audit().size(); i++) {
            var e = plan.audit().get(i);
            lines.add(new AuditLog.Line(time, runId, account, mailbox, box.uidValidity(), e.uid(), ids.get(e.uid()),
                    e.rule(), e.action(), flagNames(names, plan.auditFlagsBefore(i)),
                    flagNames(names, plan.auditFlagsAfter(i)), destination(e.action()), 0, 0, null, null, 0));
        }
        return lines;
    }

    /** The flag names of a set, made once per distinct set. */
    private static List<String> flagNames(Map<Set<Flag>, List<String>> names,
                                          Set<Flag> flags) {
        return names.computeIfAbsent(flags, f -> f.stream().map(Flag::name).toList());
    }

    /** The mailbox of a {@code copy_to}, {@code move_to} or {@code trash} action; else null. */
    static String destination(String action) {
        for (String verb : List.of("copy_to ", "move_to ", "trash ")) {
            if (action.startsWith(verb)) {
                return action.substring(verb.length());
            }
        }
        return null;
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
