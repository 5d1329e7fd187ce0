package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;

/**
 * One direction (add or remove) of the {@code add_flags}/{@code remove_flags} changes that one
 * {@link FlagStores#bring} sends: the messages grouped by the flags each gains (or loses), and the
 * choice of STOREs for them.
 *
 * <p>A server pays per STORE a message is in: Dovecot 2.3 takes as long for {@code ($A \Seen)} as
 * for {@code ($A)}, and with CONDSTORE a second STORE of the same messages needs another
 * {@code UNCHANGEDSINCE}. So one {@code +FLAGS.SILENT (set)} per distinct set is best, but sets
 * multiply with the rules' overlaps (eight rules each adding their own flag can leave 255
 * combinations).
 *
 * <p>A message's key need not be its exact change: {@code +FLAGS} of a flag it already has changes
 * nothing, so any S with (target − server) ⊆ S ⊆ target brings it to its target
 * (for {@code -FLAGS}, any S with (server − target) ⊆ S and S ∩ target = ∅).
 * Within a scope of flags (all flags this bring changes in the direction, or one block of them),
 * a message whose exact change meets the scope can take its <em>widened</em> key, target ∩
 * scope (scope − target for removes): newsletters that a rule makes {@code \Seen $Newsletter}
 * share one STORE whether they were {@code \Seen} before or not. Widened keys can also split what
 * exact keys join (the targets differ outside the change), so they are used only where they give
 * strictly fewer STOREs. The choice, in order:
 * <ol>
 *   <li>one STORE per distinct key, exact or widened, whichever are fewer, if the exact ones are
 *       no more commands than one per flag;</li>
 *   <li>else per block of flags that rules change together (a rule's
 *       {@code add_flags: [\Seen, $Newsletter]} is one block; blocks that share a flag are one),
 *       block by block: the fewer of its exact and widened keys where they are no more commands than
 *       one per flag of the block, else one STORE per flag of the block (exact changes); unless the
 *       whole scope's widened keys are no more than one per flag and strictly fewer than these.</li>
 * </ol>
 * Either way the count stays bounded by the number of flags the rules name, whatever the mailbox
 * holds, and never exceeds what exact keys alone would give (docs/architecture.md, "Execute").
 */
final class DeltaGroups {

    /** Sets by their flags in order, then the shorter first; for single flags the per-flag order. */
    private static final Comparator<SortedSet<Flag>> SET_ORDER = (a, b) -> {
        Iterator<Flag> i = a.iterator();
        Iterator<Flag> j = b.iterator();
        while (i.hasNext() && j.hasNext()) {
            int c = i.next().compareTo(j.next());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    };

    /** Each flag's block; a flag no rule names in this direction is a block of its own. */
    private final Map<Flag, SortedSet<Flag>> blockOf;
    private final StoreMode mode;
    private final List<Part> parts = new ArrayList<>();

    /** Messages (ascending indexes) that change by the same flags towards the same target. */
    private record Part(SortedSet<Flag> change, Set<Flag> target, int[] messages) {
    }

    /**
     * The messages of a group as the index arrays of its parts, not a BitSet: a BitSet spans the
     * whole mailbox, and a million-message plan with a few hundred (target, server) pairs and the
     * maps compared below held more than the 64 MB heap of the benchmark (docs/performance.md, 5).
     */
    private static final class Members {
        private final Map<int[], Boolean> arrays = new IdentityHashMap<>();

        void add(int[] messages) {
            arrays.put(messages, Boolean.TRUE);
        }

        void addAll(Members other) {
            arrays.putAll(other.arrays);
        }

        int[] ascending() {
            int n = 0;
            for (int[] a : arrays.keySet()) {
                n += a.length;
            }
            int[] out = new int[n];
            int i = 0;
            for (int[] a : arrays.keySet()) {
                System.arraycopy(a, 0, out, i, a.length);
                i += a.length;
            }
            Arrays.sort(out);
            return out;
        }
    }

    /** {@code mode}: ADD or REMOVE, the direction; {@code blockOf}: from {@link #blocks}. */
    DeltaGroups(StoreMode mode, Map<Flag, SortedSet<Flag>> blockOf) {
        this.mode = mode;
        this.blockOf = blockOf;
    }

    /**
     * The blocks of flags changed together: the given sets (each rule's add set, or each rule's
     * remove set), those that share a flag merged. Few rules, so a quadratic merge is fine.
     */
    static Map<Flag, SortedSet<Flag>> blocks(Collection<? extends Set<Flag>> changedTogether) {
        List<SortedSet<Flag>> blocks = new ArrayList<>();
        for (Set<Flag> named : changedTogether) {
            SortedSet<Flag> merged = new TreeSet<>(named);
            for (Iterator<SortedSet<Flag>> it = blocks.iterator(); it.hasNext(); ) {
                SortedSet<Flag> block = it.next();
                if (!Collections.disjoint(block, merged)) {
                    merged.addAll(block);
                    it.remove();
                }
            }
            if (!merged.isEmpty()) {
                blocks.add(merged);
            }
        }
        Map<Flag, SortedSet<Flag>> out = new HashMap<>();
        for (SortedSet<Flag> block : blocks) {
            SortedSet<Flag> fixed = Collections.unmodifiableSortedSet(block);
            block.forEach(f -> out.put(f, fixed));
        }
        return out;
    }

    /**
     * Adds these messages, which all gain (or lose) exactly {@code change} on the way to the flags
     * {@code target}; an empty change is ignored.
     */
    void add(Set<Flag> change, Set<Flag> target, int[] messages) {
        if (!change.isEmpty() && messages.length > 0) {
            parts.add(new Part(sorted(change), target, messages));
        }
    }

    /** The STOREs, each with the messages (as {@code uidsOf} names them) that change by its flags. */
    List<Operation.Store> stores(Function<int[], UidSet> uidsOf) {
        List<Operation.Store> out = new ArrayList<>();
        groups().forEach((flags, messages) -> out.add(new Operation.Store(uidsOf.apply(messages.ascending()), mode,
                flags)));
        return out;
    }

    /** The order in which a bring sends its delta STOREs: by flags, an add before a remove of the same. */
    static Comparator<Operation.Store> storeOrder() {
        return Comparator.<Operation.Store, SortedSet<Flag>>comparing(s -> sorted(s.flags()), SET_ORDER)
                .thenComparing(Operation.Store::mode);
    }

    private Map<SortedSet<Flag>, Members> groups() {
        Map<SortedSet<Flag>, Members> exact = exactWithin(null);
        SortedSet<Flag> changed = flagsOf(exact);
        Map<SortedSet<Flag>, Members> whole = fewer(exact, widenedWithin(changed));
        Map<SortedSet<Flag>, Members> out = new TreeMap<>(SET_ORDER);
        if (exact.size() <= changed.size()) {
            out.putAll(whole);
            return out;
        }
        // Widened keys may be few enough where exact ones are not, but the blocks may do better still.
        Map<SortedSet<Flag>, Members> byBlocks = byBlocks(changed);
        out.putAll(whole.size() <= changed.size() && whole.size() < byBlocks.size() ? whole : byBlocks);
        return out;
    }

    /** Block by block: its exact or widened keys where few enough, else per flag. */
    private Map<SortedSet<Flag>, Members> byBlocks(SortedSet<Flag> changed) {
        Set<SortedSet<Flag>> blocks = new LinkedHashSet<>();
        changed.forEach(f -> blocks.add(blockOf.getOrDefault(f, sorted(Set.of(f)))));
        Map<SortedSet<Flag>, Members> out = new LinkedHashMap<>();
        for (SortedSet<Flag> block : blocks) {
            Map<SortedSet<Flag>, Members> exact = exactWithin(block);
            SortedSet<Flag> changedHere = flagsOf(exact);
            Map<SortedSet<Flag>, Members> keys = fewer(exact, widenedWithin(changedHere));
            out.putAll(keys.size() <= changedHere.size() ? keys : perFlag(exact));
        }
        return out;
    }

    /** The messages grouped by the part of their change that lies in {@code scope} (null: all of it). */
    private Map<SortedSet<Flag>, Members> exactWithin(Set<Flag> scope) {
        Map<SortedSet<Flag>, Members> out = new LinkedHashMap<>();
        for (Part part : parts) {
            SortedSet<Flag> key = new TreeSet<>(part.change());
            if (scope != null) {
                key.retainAll(scope);
            }
            join(out, key, part.messages());
        }
        return out;
    }

    /**
     * The messages whose change meets {@code scope}, grouped by the most of {@code scope} that the
     * same STORE may carry without undoing their target: target ∩ scope to add, scope − target
     * to remove. It contains the change's part in {@code scope}, so every such STORE changes each
     * of its messages.
     */
    private Map<SortedSet<Flag>, Members> widenedWithin(Set<Flag> scope) {
        Map<SortedSet<Flag>, Members> out = new LinkedHashMap<>();
        for (Part part : parts) {
            if (!Collections.disjoint(part.change(), scope)) {
                SortedSet<Flag> key = new TreeSet<>(scope);
                if (mode == StoreMode.ADD) {
                    key.retainAll(part.target());
                } else {
                    key.removeAll(part.target());
                }
                join(out, key, part.messages());
            }
        }
        return out;
    }

    private static void join(Map<SortedSet<Flag>, Members> groups, SortedSet<Flag> key, int[] messages) {
        if (!key.isEmpty()) {
            groups.computeIfAbsent(Collections.unmodifiableSortedSet(key), k -> new Members()).add(messages);
        }
    }

    /** The widened keys if they are strictly fewer STOREs, else the exact ones. */
    private static Map<SortedSet<Flag>, Members> fewer(Map<SortedSet<Flag>, Members> exact,
            Map<SortedSet<Flag>, Members> widened) {
        return widened.size() < exact.size() ? widened : exact;
    }

    private static Map<SortedSet<Flag>, Members> perFlag(Map<SortedSet<Flag>, Members> groups) {
        Map<SortedSet<Flag>, Members> out = new LinkedHashMap<>();
        for (Flag f : flagsOf(groups)) {
            Members messages = new Members();
            groups.forEach((flags, members) -> {
                if (flags.contains(f)) {
                    messages.addAll(members);
                }
            });
            out.put(sorted(Set.of(f)), messages);
        }
        return out;
    }

    private static SortedSet<Flag> flagsOf(Map<SortedSet<Flag>, Members> groups) {
        SortedSet<Flag> out = new TreeSet<>();
        groups.keySet().forEach(out::addAll);
        return out;
    }

    private static SortedSet<Flag> sorted(Set<Flag> flags) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }
}
