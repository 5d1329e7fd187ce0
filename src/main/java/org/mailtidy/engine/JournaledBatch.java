package org.mailtidy.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy journal while a batch is sent: copy {@code i} of the batch (those an earlier run left
 * unfinished first, then the plan's in order) is recorded with the destination's UIDNEXT just before its
 * {@code UID COPY} and marked done when the server answers OK. A failed write stops the batch: a
 * copy that could not be journaled is not sent.
 */
final class JournaledBatch {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledBatch.class);
    private final CopyJournal journal;
    private final int earlierCount;
    private CopyJournal.Entries entries;

    private JournaledBatch(CopyJournal journal, CopyJournal.Entries entries, int earlierCount) {
        this.journal = journal;
        this.entries = entries;
        this.earlierCount = earlierCount;
    }

    /**
     * Writes the journal before anything of the batch is sent, or returns empty (no journal, the
     * earlier one deleted) when the batch copies nothing.
     */
    static Optional<JournaledBatch> begin(CopyJournal journal, long uidValidity, List<CopyJournal.Copy> earlier,
                                MailboxPlan plan) throws RunFailure {
        List<CopyJournal.Copy> copies = new ArrayList<>(earlier);
        for (Operation.Copy c : plan.copies()) {
            copies.add(entry(c));
        }
        try {
            if (copies.isEmpty()) {
                journal.delete();
                return Optional.empty();
            }
            CopyJournal.Entries entries = new CopyJournal.Entries(uidValidity, copies);
            journal.write(entries);
            return Optional.of(new JournaledBatch(journal, entries, earlier.size()));
        } catch (IOException e) {
            throw failure(journal, e, "nothing was sent");
        }
    }

    static CopyJournal.Copy entry(Operation.Copy c) {
        List<CopyJournal.Group> groups = new ArrayList<>();
        for (Map.Entry<Set<Flag>, UidSet> g : c.uidsByFlags().entrySet()) {
            groups.add(new CopyJournal.Group(g.getKey().stream().map(Flag::name).toList(), g.getValue()));
        }
        return new CopyJournal.Copy(c.mailbox(), c.rule(), groups, -1, false);
    }

    /** Index in the journal of the plan's {@code n}-th copy (0-based). */
    int planCopy(int n) {
        return earlierCount + n;
    }

    /** Just before {@code UID COPY}: what is sent (messages left alone are not) and where new mail starts. */
    void sending(int index, long[] uids, long destinationUidNext) throws RunFailure {
        Set<Long> sent = LongStream.of(uids).boxed().collect(Collectors.toSet());
        update(index, entries.copies().get(index).keeping(sent).sent(destinationUidNext));
    }

    void acknowledged(int index) throws RunFailure {
        update(index, entries.copies().get(index).acknowledged());
    }

    /** The batch is through: nothing is owed. A journal that cannot be deleted marks every copy done. */
    void finish() {
        try {
            journal.delete();
        } catch (IOException e) {
            LOG.warn("cannot delete the copy journal {} ({}); every copy in it is marked done", journal.file(),
                    e.toString());
        }
    }

    /**
     * After a failed batch: messages another client changed (left alone, RFC 7162) are taken out,
     * since the decision to copy them is stale; the journal stays for the next run.
     */
    void forget(Set<Long> leftAlone) {
        if (leftAlone.isEmpty()) {
            return;
        }
        List<CopyJournal.Copy> kept = new ArrayList<>();
        for (CopyJournal.Copy c : entries.copies()) {
            Set<Long> uids = LongStream.of(c.uids()).boxed().filter(u -> !leftAlone.contains(u))
                    .collect(Collectors.toSet());
            kept.add(c.keeping(uids));
        }
        try {
            entries = new CopyJournal.Entries(entries.uidValidity(), kept);
            journal.write(entries);
        } catch (IOException e) {
            // The journal written before still holds them; the next run copies them at worst.
        }
    }

    private void update(int index, CopyJournal.Copy copy) throws RunFailure {
        CopyJournal.Entries next = entries.with(index, copy);
        try {
            journal.write(next);
        } catch (IOException e) {
            throw failure(journal, e, "the batch was stopped");
        }
        entries = next;
    }

    private static RunFailure failure(CopyJournal journal, IOException e, String consequence) {
        return new RunFailure("cannot write the copy journal " + journal.file() + " (" + e + "); " + consequence, e);
    }
}
