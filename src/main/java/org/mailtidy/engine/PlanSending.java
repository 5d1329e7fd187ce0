package org.mailtidy.engine;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.mail.MailboxRef;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.RuleStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a checked plan of one mailbox run: first what an earlier broken batch still owes (full runs
 * only), then the plan, journaling the copies; then records the copies made and appends the audit
 * lines of what the server acknowledged. One instance per run.
 */
final class PlanSending {
    /** The run's logger, so that its warnings keep the logger name operators filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(MailboxRun.class);

    /**
     * What one run sends.
     *
     * @param audit   the plan's audit lines (empty without an audit file)
     * @param nextUid the run's {@link MailboxRun.Seen#nextUid()}: the copy record forgets only below it
     * @param fullRun false for a run restricted to new mail, which neither sends what is owed nor
     *                forgets the messages that are gone
     */
    record Batch(MailboxSnapshot snapshot, MailboxPlan plan, List<AuditLog.Line> audit, RememberedCopies copies,
                 Instant started, long nextUid, boolean fullRun) {
    }

    /** The counts of what the server acknowledged, and why the sending stopped if it did. */
    record Sent(List<RuleStats> acknowledged, Optional<String> error) {
    }

    private final ImapSession connection;
    private final MailboxSession box;
    private final MailboxRef where;
    private final RunSettings settings;
    private final SendPermit permit;
    private final List<String> notes;
    private List<RuleStats> acknowledged = List.of();

    /** {@code notes} collects the run's notes; the sending adds to it. */
    PlanSending(ImapSession connection, MailboxSession box, MailboxRef where, RunSettings settings,
                SendPermit permit, List<String> notes) {
        this.connection = connection;
        this.box = box;
        this.where = where;
        this.settings = settings;
        this.permit = permit;
        this.notes = notes;
    }

    /**
     * Sends; a failure that is the run's (a refused operation, the cluster lock lost, the audit file)
     * becomes the result's error. If sending fails part-way, the audit still gets the lines of every
     * message whose operations all reached the server; the rest is redone (and audited) by the next run.
     */
    Sent send(Batch b, CopyJournaling journaling, RunAuditLines lines) throws ImapException {
        acknowledged = Acknowledged.nothingDone(b.plan());
        try {
            sendAll(b, journaling, lines);
            return new Sent(acknowledged, Optional.empty());
        } catch (RunFailure f) {
            return new Sent(acknowledged, Optional.ofNullable(f.getMessage()));
        } catch (IOException e) {
            return new Sent(acknowledged, Optional.of("audit file " + settings.audit().map(AuditLog::file)
                    .orElse(null) + ": " + e.getMessage()));
        }
    }

    private void sendAll(Batch b, CopyJournaling journaling, RunAuditLines lines)
            throws ImapException, RunFailure, IOException {
        MailboxPlan plan = b.plan();
        Optional<CopyRecovery> recovery = journaling.recovery();
        List<CopyJournal.Copy> owed = recovery.isEmpty() || !b.fullRun() ? List.of()
                : recovery.get().owed(box, b.snapshot().uids(), plan, where.account() + " " + where.mailbox());
        List<CopyJournal.Copy> earlier = recovery.isEmpty() ? List.of()
                : b.fullRun() ? owed : recovery.get().carried(box, plan);
        Optional<JournaledBatch> batch = journaling.journal().isEmpty() ? Optional.empty()
                : JournaledBatch.begin(journaling.journal().get(), box.uidValidity(), earlier, plan);
        List<List<AuditLog.Line>> owedAudit = settings.audit().isEmpty() ? List.of()
                : lines.ofOwed(box, owed, b.started());
        Acknowledged acks = new Acknowledged(b.snapshot().uids());
        // BatchExecutor (being changed for pipelining) still takes null for "no journal"
        BatchExecutor executor = new BatchExecutor(connection, box, settings.expungeWithoutUidplus(), notes,
                b.snapshot(), plan, batch.orElse(null), acks, permit);
        try {
            executor.sendOwed(owed);
            executor.send();
            acknowledged = acks.stats(plan, executor.unfinished());
        } catch (ImapException | RunFailure e) {
            acknowledged = acks.stats(plan, executor.unfinished());
            batch.ifPresent(j -> j.forget(executor.leftAlone()));
            appendAfterFailure(RunAuditLines.acknowledged(RunAuditLines.where(owedAudit, executor),
                    executor.owedCopied().size(), RunAuditLines.where(b.audit(), box, executor),
                    executor.unfinished()));
            rememberAfterFailure(b, executor.copiesMade());
            throw e;
        }
        boolean remembered = remember(b, executor.copiesMade());
        if (remembered) {
            batch.ifPresent(JournaledBatch::finish);
        }
        if (!owed.isEmpty()) {
            int made = owed.stream().mapToInt(c -> c.uids().length).sum();
            notes.add("completed " + made + " cop" + (made == 1 ? "y" : "ies")
                    + " that an earlier run left undone (copy journal)");
        }
        if (settings.audit().isPresent()) {
            settings.audit().get().append(RunAuditLines.acknowledged(RunAuditLines.where(owedAudit, executor),
                    owed.size(), RunAuditLines.where(b.audit(), box, executor), executor.leftAlone()));
        }
        CopyRecovery.giveFlags(connection, owed, executor.owedCopied());
    }

    /**
     * Records this run's copies so later runs do not make them again. If that fails, the journal (all
     * its copies marked done) is kept instead, and the next run records them from it.
     */
    private boolean remember(Batch b, List<CopyLedger.Made> made) {
        try {
            b.copies().record(made, b.fullRun() ? b.snapshot().uids() : null, b.nextUid());
            return true;
        } catch (IOException e) {
            LOG.warn("{} {}: cannot write the copy record {}: {}", where.account(), where.mailbox(),
                    b.copies().where(), e.toString());
            notes.add("cannot write the copy record " + b.copies().where() + " (" + e.getMessage() + "); the copy"
                    + " journal keeps this run's copies until a later run can record them");
            return false;
        }
    }

    private void rememberAfterFailure(Batch b, List<CopyLedger.Made> made) {
        try {
            b.copies().record(made, null, b.nextUid());
        } catch (IOException e) {
            LOG.warn("{} {}: cannot write the copy record {} after the failed batch ({}); its journal keeps the"
                    + " copies", where.account(), where.mailbox(), b.copies().where(), e.toString());
        }
    }

    private void appendAfterFailure(List<AuditLog.Line> lines) {
        if (settings.audit().isEmpty()) {
            return;
        }
        try {
            settings.audit().get().append(lines);
        } catch (IOException e) {
            LOG.warn("{} {}: cannot append the audit lines of the changes sent before the run failed: {}",
                    where.account(), where.mailbox(), e.toString());
        }
    }
}
