package org.mailtidy.rules;

import java.util.function.Function;

/**
 * What a rule does with the message itself after its flag actions: nothing, delete, trash or move.
 * Code that must handle every kind calls {@link #match}, so a new kind fails compilation until each
 * caller handles it.
 */
public sealed interface Disposition {

    /** One function per kind; returns what the one for this kind returns. */
    <R> R match(Function<Keep, R> keep, Function<Delete, R> delete, Function<Trash, R> trash,
                Function<MoveTo, R> moveTo);

    /** The message stays in the mailbox. */
    record Keep() implements Disposition {
        @Override
        public <R> R match(Function<Keep, R> keep, Function<Delete, R> delete, Function<Trash, R> trash,
                           Function<MoveTo, R> moveTo) {
            return keep.apply(this);
        }
    }

    /** {@code delete: true}: marked {@code \Deleted} and expunged (by UID) at the end of the run. */
    record Delete() implements Disposition {
        @Override
        public <R> R match(Function<Keep, R> keep, Function<Delete, R> delete, Function<Trash, R> trash,
                           Function<MoveTo, R> moveTo) {
            return delete.apply(this);
        }
    }

    /** {@code trash: true}: moved to the account's trash mailbox. */
    record Trash() implements Disposition {
        @Override
        public <R> R match(Function<Keep, R> keep, Function<Delete, R> delete, Function<Trash, R> trash,
                           Function<MoveTo, R> moveTo) {
            return trash.apply(this);
        }
    }

    /** {@code move_to}: moved to the named mailbox (UTF-8, {@code /} as separator). */
    record MoveTo(String mailbox) implements Disposition {
        @Override
        public <R> R match(Function<Keep, R> keep, Function<Delete, R> delete, Function<Trash, R> trash,
                           Function<MoveTo, R> moveTo) {
            return moveTo.apply(this);
        }
    }

    Disposition KEEP = new Keep();
    Disposition DELETE = new Delete();
    Disposition TRASH = new Trash();

    /** True when the message leaves the mailbox (so later rules no longer see it). */
    default boolean removesMessage() {
        return match(k -> false, d -> true, t -> true, m -> true);
    }

    /** True for {@code delete: true} (marked and expunged, never moved). */
    default boolean deletes() {
        return match(k -> false, d -> true, t -> false, m -> false);
    }

    /** True for {@code trash: true}. */
    default boolean trashes() {
        return match(k -> false, d -> false, t -> true, m -> false);
    }
}
