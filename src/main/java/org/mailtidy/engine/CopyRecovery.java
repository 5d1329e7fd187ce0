package org.mailtidy.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the copies that an earlier run's broken batch owed ({@link CopyJournal}). A copy is
 * owed for an original that still exists and that this run's plan does not copy to the same
 * mailbox anyway (the plan sees the flags the broken batch left, so where the rule matches again
 * the plan makes the copy, and recovering it too would make two). A copy whose {@code UID COPY}
 * was sent but not answered is in doubt: the destination is read from the UIDNEXT recorded before
 * it, and an original whose Message-ID arrived there since is not copied again; one without a
 * Message-ID is (a duplicate is better than a loss).
 */
final class CopyRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CopyRecovery.class);

    private final CopyJournal.Entries earlier;
    /** Per index of a copy in doubt: the Message-IDs in its destination from its UIDNEXT on. */
    private final Map<Integer, Set<String>> arrived;
    /** Per index of a copy in doubt, once {@link #made} looked: the present originals found there. */
    private final Map<Integer, Set<Long>> foundThere = new HashMap<>();

    private CopyRecovery(CopyJournal.Entries earlier, Map<Integer, Set<String>> arrived) {
        this.earlier = earlier;
        this.arrived = arrived;
    }

    /**
     * Reads the journal and, for a full run, for every copy in doubt the Message-IDs that arrived
     * in its destination since (EXAMINE, one fetch). Call before the source mailbox is selected.
     */
    static CopyRecovery prepare(ImapSession connection, CopyJournal journal, boolean fullRun)
            throws ImapException, RunFailure {
        CopyJournal.Entries entries;
        try {
            entries = journal.read().orElse(null);
        } catch (IOException e) {
            throw new RunFailure("cannot read the copy journal " + journal.file() + " (" + e.getMessage()
                    + "); nothing was sent. Delete it if it is damaged: the copies it owes are then not made", e);
        }
        Map<Integer, Set<String>> arrived = new HashMap<>();
        if (entries != null && fullRun) {
            for (int i = 0; i < entries.copies().size(); i++) {
                CopyJournal.Copy c = entries.copies().get(i);
                if (c.inDoubt()) {
                    arrived.put(i, messageIdsSince(connection, c.mailbox(), c.uidNext()));
                }
            }
        }
        return new CopyRecovery(entries, arrived);
    }

    private static Set<String> messageIdsSince(ImapSession connection, String mailbox, long uid)
            throws ImapException {
        try (MailboxSession box = connection.select(mailbox, true)) {
            long[] uids = box.fetchTable(uid).uids();
            if (uids.length == 0) {
                return Set.of();
            }
            return box.fetchMessageIds(uids).values().stream().map(String::trim).collect(Collectors.toSet());
        }
    }

    /** An earlier batch left a journal. */
    boolean hasEntries() {
        return earlier != null && !earlier.copies().isEmpty();
    }

    /**
     * The copies the earlier batch is known to have made: those the server acknowledged, and of those
     * in doubt the originals whose Message-ID arrived in the destination (full runs only). They go to
     * the {@link CopyLedger}, so a rule that still matches does not copy them again.
     */
    List<CopyLedger.Made> made(MailboxSession box, long[] present, String where) throws ImapException {
        if (earlier == null || earlier.uidValidity() != box.uidValidity()) {
            return List.of();
        }
        List<CopyLedger.Made> out = new ArrayList<>();
        for (int i = 0; i < earlier.copies().size(); i++) {
            CopyJournal.Copy c = earlier.copies().get(i);
            if (c.done()) {
                out.add(new CopyLedger.Made(c.rule(), c.mailbox(), UidSet.of(c.uids())));
            } else if (c.inDoubt() && arrived.containsKey(i)) {
                long[] candidates = LongStream.of(c.uids()).filter(u -> Arrays.binarySearch(present, u) >= 0)
                        .toArray();
                Set<Long> missing = notYetThere(box, candidates, arrived.get(i), c.mailbox(), where);
                Set<Long> there = LongStream.of(candidates).filter(u -> !missing.contains(u)).boxed()
                        .collect(Collectors.toSet());
                foundThere.put(i, there);
                if (!there.isEmpty()) {
                    out.add(new CopyLedger.Made(c.rule(), c.mailbox(),
                            UidSet.of(there.stream().mapToLong(Long::longValue))));
                }
            }
        }
        return out;
    }

    /** The copies still owed, each with its UIDNEXT not yet known (they are sent afresh). */
    List<CopyJournal.Copy> owed(MailboxSession box, long[] present, MailboxPlan plan, String where)
            throws ImapException {
        if (earlier == null) {
            return List.of();
        }
        if (earlier.uidValidity() != box.uidValidity()) {
            LOG.warn("{}: the copy journal is for UIDVALIDITY {}, the mailbox now has {}; its UIDs name other"
                    + " messages, so it is discarded", where, earlier.uidValidity(), box.uidValidity());
            return List.of();
        }
        Map<String, Set<Long>> planned = plannedCopies(plan);
        List<CopyJournal.Copy> owed = new ArrayList<>();
        for (int i = 0; i < earlier.copies().size(); i++) {
            CopyJournal.Copy c = earlier.copies().get(i);
            if (c.done()) {
                continue;
            }
            Set<Long> copiedAnyway = planned.getOrDefault(c.mailbox(), Set.of());
            long[] candidates = LongStream.of(c.uids())
                    .filter(u -> Arrays.binarySearch(present, u) >= 0 && !copiedAnyway.contains(u))
                    .toArray();
            Set<Long> there = foundThere.get(i);
            Set<Long> keep = !c.inDoubt() || there != null
                    ? LongStream.of(candidates).filter(u -> there == null || !there.contains(u)).boxed()
                            .collect(Collectors.toSet())
                    : notYetThere(box, candidates, arrived.get(i), c.mailbox(), where);
            if (!keep.isEmpty()) {
                LOG.info("{}: completing {} cop{} to {} (rule {}) that an earlier run left undone", where,
                        keep.size(), keep.size() == 1 ? "y" : "ies", c.mailbox(), c.rule());
                owed.add(new CopyJournal.Copy(c.mailbox(), c.rule(), c.keeping(keep).groups(), -1, false));
            }
        }
        return owed;
    }

    /**
     * For a run that sees only new mail (which cannot tell what exists below its watermark): the
     * unfinished copies as they are, less what this plan copies anyway, left for the next full run.
     */
    List<CopyJournal.Copy> carried(MailboxSession box, MailboxPlan plan) {
        if (earlier == null || earlier.uidValidity() != box.uidValidity()) {
            return List.of();
        }
        Map<String, Set<Long>> planned = plannedCopies(plan);
        List<CopyJournal.Copy> out = new ArrayList<>();
        for (CopyJournal.Copy c : earlier.copies()) {
            Set<Long> copiedAnyway = planned.getOrDefault(c.mailbox(), Set.of());
            Set<Long> keep = LongStream.of(c.uids()).filter(u -> !copiedAnyway.contains(u)).boxed()
                    .collect(Collectors.toSet());
            if (!c.done() && !keep.isEmpty()) {
                out.add(c.keeping(keep));
            }
        }
        return out;
    }

    private static Set<Long> notYetThere(MailboxSession box, long[] candidates, Set<String> arrived,
                                         String destination, String where) throws ImapException {
        Set<Long> keep = new HashSet<>();
        if (candidates.length == 0) {
            return keep;
        }
        Map<Long, String> ids = box.fetchMessageIds(candidates);
        int withoutId = 0;
        for (long uid : candidates) {
            String id = ids.get(uid);
            if (id == null) {
                withoutId++;
                keep.add(uid);
            } else if (!arrived.contains(id.trim())) {
                keep.add(uid);
            }
        }
        if (withoutId > 0) {
            LOG.warn("{}: {} message{} without a Message-ID whose copy to {} is in doubt {} copied again; {} may now"
                    + " be there twice", where, withoutId, withoutId == 1 ? "" : "s", destination,
                    withoutId == 1 ? "is" : "are", withoutId == 1 ? "it" : "they");
        }
        return keep;
    }

    private static Map<String, Set<Long>> plannedCopies(MailboxPlan plan) {
        Map<String, Set<Long>> out = new HashMap<>();
        for (Operation.Copy c : plan.copies()) {
            Set<Long> uids = out.computeIfAbsent(c.mailbox(), m -> new HashSet<>());
            c.uids().stream().forEach(uids::add);
        }
        return out;
    }

    /**
     * Gives each recovered copy the flags it had to carry after its rule ({@code UID STORE
     * FLAGS.SILENT} on the copies that COPYUID names); without UIDPLUS a recovered copy keeps the
     * flags its original had when it was copied. Selects the destinations: call after the batch.
     */
    static void giveFlags(ImapSession connection, List<CopyJournal.Copy> owed, List<CopiedUids> copied)
            throws ImapException {
        for (int i = 0; i < owed.size() && i < copied.size(); i++) {
            CopiedUids where = copied.get(i);
            if (where.isEmpty()) {
                continue;
            }
            CopyJournal.Copy c = owed.get(i);
            try (MailboxSession box = connection.select(c.mailbox(), false)) {
                if (box.uidValidity() != where.uidValidity()) {
                    LOG.warn("{} changed its UIDVALIDITY since the copies were made; their flags are left as copied",
                            c.mailbox());
                    continue;
                }
                Map<Long, Long> target = where.targetBySource();
                for (CopyJournal.Group g : c.groups()) {
                    long[] copies = g.uids().stream().filter(target::containsKey).map(target::get).sorted()
                            .toArray();
                    if (copies.length > 0) {
                        box.store(copies, StoreMode.REPLACE, g.flags());
                    }
                }
            }
        }
    }
}
