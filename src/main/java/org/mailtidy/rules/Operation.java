package org.mailtidy.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;

/**
 * One step of a batch, in the order it must be sent; the IMAP layer compresses the UID sets and
 * splits them under the line limit. Code that must handle every kind of step implements
 * {@link Visitor} (or calls {@link #match}), so a new kind fails compilation until each handles it.
 * {@code toString} is the command as {@link PlanText} renders it.
 */
public sealed interface Operation {

    UidSet uids();

    <R> R accept(Visitor<R> v);

    /** One method per kind of step. */
    interface Visitor<R> {
        R store(Store s);

        R copy(Copy c);

        R move(Move m);

        R expunge(Expunge e);
    }

    /** {@link #accept} with one function per kind, for dispatch that throws nothing checked. */
    default <R> R match(Function<Store, R> store, Function<Copy, R> copy, Function<Move, R> move,
                        Function<Expunge, R> expunge) {
        return accept(new Visitor<>() {
            @Override
            public R store(Store s) {
                return store.apply(s);
            }

            @Override
            public R copy(Copy c) {
                return copy.apply(c);
            }

            @Override
            public R move(Move m) {
                return move.apply(m);
            }

            @Override
            public R expunge(Expunge e) {
                return expunge.apply(e);
            }
        });
    }

    record Store(UidSet uids, StoreMode mode, Set<Flag> flags) implements Operation {
        public Store {
            flags = Collections.unmodifiableSortedSet(new java.util.TreeSet<>(flags));
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.store(this);
        }

        @Override
        public String toString() {
            return PlanText.command(this);
        }
    }

    /**
     * {@code UID COPY}; each copy must carry the flags its message has after the copying rule
     * ({@code uidsByFlags}: flag set to the UIDs whose copies carry it; the sets partition
     * {@code uids}). The earlier stores give the originals exactly those flags, so a plain COPY
     * carries them; they are kept here for completing a copy that a broken connection left in
     * doubt. {@code rule} names the copying rule (for the audit). Few distinct sets, however many
     * messages.
     */
    record Copy(UidSet uids, String mailbox, String rule, Map<Set<Flag>, UidSet> uidsByFlags) implements Operation {
        public Copy {
            uidsByFlags = Collections.unmodifiableMap(new LinkedHashMap<>(uidsByFlags));
            int grouped = uidsByFlags.values().stream().mapToInt(UidSet::size).sum();
            if (grouped != uids.size()) {
                throw new IllegalArgumentException(uids.size() + " UIDs but " + grouped + " in flag groups");
            }
        }

        /** {@code flagSets.get(flagSetOf[i])} is the flag set of the {@code i}-th smallest UID. */
        public static Copy of(UidSet uids, String mailbox, String rule, List<Set<Flag>> flagSets, int[] flagSetOf) {
            if (flagSetOf.length != uids.size()) {
                throw new IllegalArgumentException(uids.size() + " UIDs but " + flagSetOf.length + " flag set indexes");
            }
            // One pass over the UIDs, however many flag sets.
            int[][] positions = new int[flagSets.size()][];
            int[] filled = new int[flagSets.size()];
            for (int set : flagSetOf) {
                filled[set]++;
            }
            for (int set = 0; set < positions.length; set++) {
                positions[set] = new int[filled[set]];
                filled[set] = 0;
            }
            for (int i = 0; i < flagSetOf.length; i++) {
                positions[flagSetOf[i]][filled[flagSetOf[i]]++] = i;
            }
            Map<Set<Flag>, UidSet> byFlags = new LinkedHashMap<>();
            for (int set = 0; set < positions.length; set++) {
                byFlags.put(flagSets.get(set), uids.subset(positions[set]));
            }
            return new Copy(uids, mailbox, rule, byFlags);
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.copy(this);
        }

        @Override
        public String toString() {
            return PlanText.command(this);
        }
    }

    record Move(UidSet uids, String mailbox) implements Operation {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.move(this);
        }

        @Override
        public String toString() {
            return PlanText.command(this);
        }
    }

    /** {@code UID EXPUNGE} of exactly these UIDs (all marked {@code \Deleted} by earlier steps). */
    record Expunge(UidSet uids) implements Operation {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.expunge(this);
        }

        @Override
        public String toString() {
            return PlanText.command(this);
        }
    }
}
