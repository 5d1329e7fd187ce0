package org.mailtidy.engine;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.SearchArg;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.HeaderNeed;
import org.mailtidy.rules.ImapSearch;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RegexOutcomes;
import org.mailtidy.rules.RuleSpec;
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

    private final ImapConnection connection;
    private final String account;
    private final String mailbox;
    private final List<RuleSpec> rules;
    private final Optional<String> configuredTrash;
    private final RunSettings settings;
    private final long fromUid;
    private volatile Seen seen;

    /**
     * What a run saw of the mailbox's UIDs: every message with a UID below {@code nextUid} was
     * in its snapshot or had already been expunged, so a later run from {@code nextUid} sees only
     * mail that arrived after this one.
     */
    public record Seen(long uidValidity, long nextUid) {
    }

    public MailboxRun(ImapConnection connection, String account, String mailbox, List<RuleSpec> rules,
                      Optional<String> configuredTrash, RunSettings settings) {
        this(connection, account, mailbox, rules, configuredTrash, settings, 1);
    }

    private MailboxRun(ImapConnection connection, String account, String mailbox, List<RuleSpec> rules,
                       Optional<String> configuredTrash, RunSettings settings, long fromUid) {
        this.connection = connection;
        this.account = account;
        this.mailbox = mailbox;
        this.rules = List.copyOf(rules);
        this.configuredTrash = configuredTrash;
        this.settings = settings;
        this.fromUid = fromUid;
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
        return new MailboxRun(connection, account, mailbox, rules, configuredTrash, settings, uid);
    }

    /** After {@link #execute()}: the mailbox's UIDs as the run saw them; empty if it never got a snapshot. */
    public Optional<Seen> seen() {
        return Optional.ofNullable(seen);
    }

    /** Runs; never throws for a server or connection problem: that becomes a failed result. */
    public RunResult execute() {
        Instant started = settings.clock().instant();
        long startedNanos = System.nanoTime();
        Map<String, Long> before = connection.counter().snapshot();
        try {
            Optional<CopyJournal> journal = copyJournal();
            CopyRecovery recovery = journal.isEmpty() ? null
                    : CopyRecovery.prepare(connection, journal.get(), fromUid == 1);
            try (SelectedMailbox box = connection.select(mailbox, settings.dryRun())) {
                Outcome outcome = run(box, started, journal, recovery);
                Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
                RunResult result = new RunResult(account, mailbox, outcome.error == null ? RunResult.Status.OK
                        : RunResult.Status.FAILED, outcome.messages, outcome.plan == null ? List.of()
                        : outcome.plan.ruleStats(), took, commandsSince(before), PlannedCommands.describe(outcome.plan),
                        outcome.notes, Optional.ofNullable(outcome.error));
                logSummary(result, outcome.cache);
                return result;
            }
        } catch (ImapException | RunFailure | RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
            String why = e instanceof RuntimeException ? "internal error: " + e : e.getMessage();
            if (e instanceof RuntimeException) {
                LOG.error("mailbox run {} / {} failed", account, mailbox, e);
            }
            RunResult result = new RunResult(account, mailbox, RunResult.Status.FAILED, 0, List.of(), took,
                    commandsSince(before), List.of(), List.of(), Optional.of(why));
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
        String error;
        final List<String> notes = new ArrayList<>();
    }

    private Outcome run(SelectedMailbox box, Instant started, Optional<CopyJournal> journal, CopyRecovery recovery)
            throws ImapException {
        Outcome out = new Outcome();
        IncrementalObservation cached = IncrementalObservation.of(settings, connection, box, account, mailbox,
                fromUid);
        MailboxSnapshot snapshot = Snapshots.of(box.uidValidity(), cached.table());
        out.messages = snapshot.size();
        out.cache = cached.outcome();
        seen = new Seen(box.uidValidity(), nextUid(box, snapshot));
        PlanContext context = new PlanContext(started, LocalDate.ofInstant(started, settings.zone()),
                trashMailbox(box));
        out.plan = observeAndPlan(box, snapshot, context, cached);
        try {
            PlanChecks.check(box, out.plan, rules, settings.maxDeletes());
            if (settings.dryRun()) {
                return out;
            }
            List<AuditLog.Line> audit = auditLines(box, out.plan, started);
            new BackupWriter(settings.backupDir(), account, mailbox).save(box, out.plan.deletedUids());
            send(box, snapshot, out, audit, journal, recovery, started);
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
    private void send(SelectedMailbox box, MailboxSnapshot snapshot, Outcome out, List<AuditLog.Line> audit,
                      Optional<CopyJournal> journal, CopyRecovery recovery, Instant started)
            throws ImapException, RunFailure, IOException {
        boolean full = fromUid == 1;
        List<CopyJournal.Copy> owed = recovery == null || !full ? List.of()
                : recovery.owed(box, snapshot.uids(), out.plan, account + " " + mailbox);
        List<CopyJournal.Copy> earlier = recovery == null ? List.of() : full ? owed : recovery.carried(box, out.plan);
        JournaledBatch batch = journal.isEmpty() ? null
                : JournaledBatch.begin(journal.get(), box.uidValidity(), earlier, out.plan);
        List<List<AuditLog.Line>> owedAudit = owedAuditLines(box, owed, started);
        BatchExecutor executor = new BatchExecutor(connection, box, settings.expungeWithoutUidplus(), out.notes,
                out.plan, batch);
        try {
            executor.sendOwed(owed);
            executor.send();
        } catch (ImapException | RunFailure e) {
            if (batch != null) {
                batch.forget(executor.leftAlone());
            }
            appendAfterFailure(acknowledged(owedAudit, executor.owedCopied().size(), audit, executor.unfinished()));
            throw e;
        }
        if (batch != null) {
            batch.finish();
        }
        if (!owed.isEmpty()) {
            int copies = owed.stream().mapToInt(c -> c.uids().length).sum();
            out.notes.add("completed " + copies + " cop" + (copies == 1 ? "y" : "ies")
                    + " that an earlier run left undone (copy journal)");
        }
        if (settings.audit().isPresent()) {
            settings.audit().get().append(acknowledged(owedAudit, owed.size(), audit, executor.leftAlone()));
        }
        CopyRecovery.giveFlags(connection, owed, executor.owedCopied());
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
    private List<List<AuditLog.Line>> owedAuditLines(SelectedMailbox box, List<CopyJournal.Copy> owed, Instant time)
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
                lines.add(new AuditLog.Line(time, account, mailbox, box.uidValidity(), uid, ids.get(uid), c.rule(),
                        "copy_to " + c.mailbox()));
            }
            out.add(lines);
        }
        return out;
    }

    /** The evidence (search answers, header fields) is no longer referenced once the plan is made. */
    private MailboxPlan observeAndPlan(SelectedMailbox box, MailboxSnapshot snapshot, PlanContext context,
                                       IncrementalObservation cached) throws ImapException {
        List<RuleSpec> effectiveRules = rulesFor(context);
        ServerEvidence evidence = observe(box, snapshot, effectiveRules, context, cached);
        cached.save();
        return settings.audit().isPresent() && !settings.dryRun()
                ? Planner.plan(effectiveRules, snapshot, evidence, context)
                : Planner.planWithoutAudit(effectiveRules, snapshot, evidence, context);
    }

    /** UIDNEXT at SELECT, or past the highest UID fetched if mail arrived between SELECT and the fetch. */
    private long nextUid(SelectedMailbox box, MailboxSnapshot snapshot) {
        long[] uids = snapshot.uids();
        long afterFetched = uids.length == 0 ? fromUid : uids[uids.length - 1] + 1;
        return Math.max(Math.max(box.uidNext(), afterFetched), fromUid);
    }

    /**
     * In the trash mailbox itself, {@code trash: true} can only mean delete. On a server whose
     * SENT* searches convert the Date: header to UTC (Courier), {@code sent_*} is evaluated by
     * mailtidy on the Date: header, so a rule means the same on every server.
     */
    private List<RuleSpec> rulesFor(PlanContext context) {
        boolean inTrash = context.trashMailbox().filter(t -> t.equals(mailbox)).isPresent();
        boolean localSentDates = connection.sentDatesInUtc();
        if (!inTrash && !localSentDates) {
            return rules;
        }
        return rules.stream().map(r -> {
            Disposition disposition = inTrash && r.disposition() instanceof Disposition.Trash
                    ? Disposition.DELETE : r.disposition();
            Criterion match = localSentDates && SentDateRegex.hasSentDates(r.match())
                    ? SentDateRegex.rewrite(r.match(), context.today()) : r.match();
            return match == r.match() && disposition == r.disposition() ? r
                    : new RuleSpec(r.name(), match, r.flagChange(), disposition, r.copyTo(), r.stop());
        }).toList();
    }

    private Optional<String> trashMailbox(SelectedMailbox box) throws ImapException {
        boolean needed = rules.stream().anyMatch(r -> r.disposition() instanceof Disposition.Trash);
        if (!needed) {
            return Optional.empty();
        }
        if (configuredTrash.isPresent()) {
            return configuredTrash;
        }
        Optional<String> special = connection.specialUse("\\Trash");
        if (special.isEmpty()) {
            throw new ImapException("a rule says trash: true, but account " + account
                    + " has no trash_mailbox and the server names no \\Trash mailbox (RFC 6154)");
        }
        return special;
    }

    private ServerEvidence observe(SelectedMailbox box, MailboxSnapshot snapshot, List<RuleSpec> effectiveRules,
                                   PlanContext context, IncrementalObservation cached) throws ImapException {
        ServerEvidence evidence = new ServerEvidence();
        if (snapshot.size() == 0) {
            for (Criterion q : Planner.serverQueries(effectiveRules)) {
                evidence.addSearch(q, new BitSet());
            }
            return evidence;
        }
        for (Criterion q : Planner.serverQueries(effectiveRules)) {
            SearchProgram program = ImapSearch.render(q, context.today());
            evidence.addSearch(q, cached.search(program, snapshot, (from, p) -> search(box, snapshot, from, p)));
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
    private static BitSet fetchHeaders(SelectedMailbox box, MailboxSnapshot snapshot, HeaderNeed need,
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

    /** One UID SEARCH over the messages with UID {@code from} and above, as snapshot indexes. */
    private static BitSet search(SelectedMailbox box, MailboxSnapshot snapshot, long from, SearchProgram program)
            throws ImapException {
        return box.uidSearch(restricted(toArgs(program), from), program.utf8(), snapshot.uids());
    }

    static List<SearchArg> toArgs(SearchProgram program) {
        List<SearchArg> args = new ArrayList<>(program.tokens().size());
        for (SearchProgram.Token t : program.tokens()) {
            if (t instanceof SearchProgram.Atom a) {
                args.add(new SearchArg.Atom(a.text()));
            } else if (t instanceof SearchProgram.Str s) {
                args.add(new SearchArg.Str(s.value()));
            }
        }
        return args;
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

    private List<AuditLog.Line> auditLines(SelectedMailbox box, MailboxPlan plan, Instant time) throws ImapException {
        if (settings.audit().isEmpty() || plan.audit().isEmpty()) {
            return List.of();
        }
        long[] uids = plan.audit().stream().mapToLong(e -> e.uid()).distinct().sorted().toArray();
        Map<Long, String> ids = box.fetchMessageIds(uids);
        List<AuditLog.Line> lines = new ArrayList<>(plan.audit().size());
        for (var e : plan.audit()) {
            lines.add(new AuditLog.Line(time, account, mailbox, box.uidValidity(), e.uid(), ids.get(e.uid()), e.rule(),
                    e.action()));
        }
        return lines;
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
            LOG.info("{} {}: {} messages{}, {} rules, matched {}, flags changed {}, moved {}, deleted {}{}, {} commands, {} ms",
                    account, mailbox, r.messages(), cache, rules.size(), matched, changed, moved, deleted,
                    settings.dryRun() ? " (dry run, nothing sent)" : "", commands, r.duration().toMillis());
        } else {
            LOG.warn("{} {}: run failed after {} ms: {}", account, mailbox, r.duration().toMillis(),
                    r.error().orElse("?"));
        }
    }
}
