package org.mailtidy.engine;

import java.util.Optional;
import org.mailtidy.engine.journal.CopyJournal;

/**
 * A mailbox run's pending-copy journal and, read from it before the run, what an earlier broken
 * batch left in doubt. Both empty without a state directory and in a dry run.
 */
record CopyJournaling(Optional<CopyJournal> journal, Optional<CopyRecovery> recovery) {
    static final CopyJournaling NONE = new CopyJournaling(Optional.empty(), Optional.empty());
}
