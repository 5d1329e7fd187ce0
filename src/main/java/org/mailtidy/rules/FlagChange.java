package org.mailtidy.rules;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A pending change to a message's flags: either replace them all ({@link Replace}) or add and
 * remove some ({@link Delta}). Changes compose with {@link #then(FlagChange)}; the composition is
 * associative with {@link #NONE} as identity (see docs/architecture.md, "The flag-change algebra").
 * Code that must handle both kinds calls {@link #match}, so a new kind fails compilation until each
 * caller handles it.
 */
public sealed interface FlagChange {

    /** The identity: changes nothing. */
    Delta NONE = new Delta(Set.of(), Set.of());

    /** Applies this change to a message's flags. */
    Set<Flag> applyTo(Set<Flag> flags);

    /** The single change equivalent to applying this change and then {@code next}. */
    FlagChange then(FlagChange next);

    /** One function per kind; returns what the one for this kind returns. */
    <R> R match(Function<Replace, R> replace, Function<Delta, R> delta);

    default boolean isNone() {
        return match(r -> false, d -> d.add().isEmpty() && d.remove().isEmpty());
    }

    /** Every flag the change names (set, added or removed). */
    default Set<Flag> named() {
        return match(Replace::flags, d -> {
            TreeSet<Flag> out = new TreeSet<>(d.add());
            out.addAll(d.remove());
            return Collections.unmodifiableSortedSet(out);
        });
    }

    /** {@code set_flags}: the message's flags become exactly {@code flags}. */
    record Replace(Set<Flag> flags) implements FlagChange {
        public Replace {
            flags = sortedCopy(flags);
        }

        @Override
        public <R> R match(Function<Replace, R> replace, Function<Delta, R> delta) {
            return replace.apply(this);
        }

        @Override
        public Set<Flag> applyTo(Set<Flag> current) {
            return flags;
        }

        @Override
        public FlagChange then(FlagChange next) {
            return next.match(r -> r, d -> new Replace(d.applyTo(flags)));
        }

        @Override
        public String toString() {
            return "set" + flags;
        }
    }

    /** {@code add_flags} / {@code remove_flags}: {@code add} and {@code remove} are disjoint. */
    record Delta(Set<Flag> add, Set<Flag> remove) implements FlagChange {
        public Delta {
            add = sortedCopy(add);
            remove = sortedCopy(remove);
            if (!Collections.disjoint(add, remove)) {
                throw new IllegalArgumentException("a flag both added and removed: " + add + " / " + remove);
            }
        }

        @Override
        public Set<Flag> applyTo(Set<Flag> current) {
            if (add.isEmpty() && remove.isEmpty()) {
                return current;
            }
            TreeSet<Flag> out = new TreeSet<>(current);
            out.removeAll(remove);
            out.addAll(add);
            return Collections.unmodifiableSet(out);
        }

        @Override
        public <R> R match(Function<Replace, R> replace, Function<Delta, R> delta) {
            return delta.apply(this);
        }

        @Override
        public FlagChange then(FlagChange next) {
            return next.match(r -> r, n -> {
                TreeSet<Flag> a = new TreeSet<>(add);
                a.removeAll(n.remove);
                a.addAll(n.add);
                TreeSet<Flag> r = new TreeSet<>(remove);
                r.removeAll(n.add);
                r.addAll(n.remove);
                return new Delta(a, r);
            });
        }

        @Override
        public String toString() {
            return "add" + add + " remove" + remove;
        }
    }

    private static Set<Flag> sortedCopy(Set<Flag> flags) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }
}
