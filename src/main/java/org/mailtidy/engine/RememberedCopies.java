package org.mailtidy.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.rules.PriorCopies;
import org.mailtidy.rules.RuleSpec;

/**
 * The copy-once memory of one mailbox run ({@link CopyLedger}): what earlier runs copied, for the
 * planner, and, after the batch, what this run copied. Copies an earlier, broken batch is known to
 * have made (its {@link CopyJournal}) count as made, so they are neither planned nor recovered again.
 * Without a state directory, or when no rule of the run copies, it remembers nothing.
 */
final class RememberedCopies {
    private final CopyLedger ledger;
    private final long uidValidity;
    private final List<CopyLedger.Made> earlierBatch;
    private final PriorCopies prior;

    private RememberedCopies(CopyLedger ledger, long uidValidity, List<CopyLedger.Made> earlierBatch,
                             PriorCopies prior) {
        this.ledger = ledger;
        this.uidValidity = uidValidity;
        this.earlierBatch = earlierBatch;
        this.prior = prior;
    }

    /**
     * Reads the record of the selected mailbox ({@code copied/<account>/<mailbox>.bin} in the state
     * directory) and what the earlier batch's journal shows was made.
     *
     * @throws RunFailure if the record cannot be read: planning without it would copy everything again
     */
    static RememberedCopies load(Optional<StateDir> state, String account, String mailbox, List<RuleSpec> rules,
                                 MailboxSession box, Optional<CopyRecovery> recovery, long[] present)
            throws ImapException, RunFailure {
        boolean copying = rules.stream().anyMatch(r -> r.copyTo().isPresent());
        // A journal is read even by a run without copy rules (another schedule's), since its batch
        // replaces the journal: the copies it shows made must reach the record first.
        if (state.isEmpty() || !copying && !recovery.filter(CopyRecovery::hasEntries).isPresent()) {
            return new RememberedCopies(null, box.uidValidity(), List.of(), PriorCopies.NONE);
        }
        CopyLedger ledger = new CopyLedger(state.get().mailboxFile("copied", account, mailbox, ".bin"));
        CopyLedger.Records records;
        try {
            records = ledger.read(box.uidValidity());
        } catch (IOException e) {
            throw new RunFailure("cannot read the copy record " + ledger.file() + " (" + e.getMessage()
                    + "); nothing was sent. Delete it if it is damaged: copy rules then copy again the messages"
                    + " they match", e);
        }
        List<CopyLedger.Made> earlier = recovery.isEmpty() ? List.of()
                : recovery.get().made(box, present, account + " " + mailbox);
        return new RememberedCopies(ledger, box.uidValidity(), earlier, records.with(earlier));
    }

    /** For the planner: the copies not to make again. */
    PriorCopies prior() {
        return prior;
    }

    /**
     * Records the copies of this run's batch (and those the earlier batch made) and, after a full
     * run ({@code present} not null), forgets the messages below {@code seenBelow} that are gone.
     */
    void record(List<CopyLedger.Made> made, long[] present, long seenBelow) throws IOException {
        if (ledger == null) {
            return;
        }
        List<CopyLedger.Made> all = new ArrayList<>(earlierBatch);
        all.addAll(made);
        ledger.update(uidValidity, all, present, seenBelow);
    }

    /** Where the record is kept, for messages. */
    String where() {
        return ledger == null ? "(none)" : ledger.file().toString();
    }
}
