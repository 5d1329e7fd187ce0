package org.mailtidy.rules;

import java.util.Set;

/**
 * One step of a batch, in the order it must be sent. UID sets are plain sorted arrays here; the
 * IMAP layer compresses them and splits them under the line limit.
 */
public sealed interface Operation {

    enum StoreMode {
        /** {@code +FLAGS.SILENT}. */
        ADD,
        /** {@code -FLAGS.SILENT}. */
        REMOVE,
        /** {@code FLAGS.SILENT}: replace. */
        REPLACE
    }

    long[] uids();

    record Store(long[] uids, StoreMode mode, Set<Flag> flags) implements Operation {
    }

    record Copy(long[] uids, String mailbox) implements Operation {
    }

    record Move(long[] uids, String mailbox) implements Operation {
    }

    /** {@code UID EXPUNGE} of exactly these UIDs (all marked {@code \Deleted} by earlier steps). */
    record Expunge(long[] uids) implements Operation {
    }
}
