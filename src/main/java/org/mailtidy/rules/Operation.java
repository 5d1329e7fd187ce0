package org.mailtidy.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.mailtidy.mail.StoreMode;

/**
 * One step of a batch, in the order it must be sent. UID sets are plain sorted arrays here; the
 * IMAP layer compresses them and splits them under the line limit.
 */
public sealed interface Operation {

    long[] uids();

    record Store(long[] uids, StoreMode mode, Set<Flag> flags) implements Operation {
    }

    /**
     * {@code UID COPY}; each copy must carry the flags its message has after the copying rule
     * ({@code flagSets.get(flagSetOf[i])} for {@code uids[i]}). The earlier stores give the originals
     * exactly those flags, so a plain COPY carries them; they are kept here for completing a copy
     * that a broken connection left in doubt. {@code rule} names the copying rule (for the audit).
     * Few distinct sets, however many messages.
     */
    record Copy(long[] uids, String mailbox, String rule, List<Set<Flag>> flagSets, int[] flagSetOf)
            implements Operation {
        public Copy {
            flagSets = List.copyOf(flagSets);
            if (flagSetOf.length != uids.length) {
                throw new IllegalArgumentException(uids.length + " UIDs but " + flagSetOf.length + " flag set indexes");
            }
        }

        /** The flags each copy must carry, grouped: flag set to its UIDs (ascending). */
        public Map<Set<Flag>, long[]> uidsByFlags() {
            Map<Set<Flag>, long[]> out = new LinkedHashMap<>();
            for (int set = 0; set < flagSets.size(); set++) {
                int s = set;
                out.put(flagSets.get(set), IntStream.range(0, uids.length).filter(i -> flagSetOf[i] == s)
                        .mapToLong(i -> uids[i]).toArray());
            }
            return out;
        }
    }

    record Move(long[] uids, String mailbox) implements Operation {
    }

    /** {@code UID EXPUNGE} of exactly these UIDs (all marked {@code \Deleted} by earlier steps). */
    record Expunge(long[] uids) implements Operation {
    }
}
