package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
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

/**
 * One direction (add or remove) of the {@code add_flags}/{@code remove_flags} changes that one
 * {@link FlagStores#bring} sends: the messages grouped by the whole set of flags each gains (or
 * loses), and the choice of STOREs for them.
 *
 * <p>A server pays per STORE a message is in: Dovecot 2.3 takes as long for {@code ($A \Seen)} as
 * for {@code ($A)}, and with CONDSTORE a second STORE of the same messages needs another
 * {@code UNCHANGEDSINCE}. So one {@code +FLAGS.SILENT (set)} per distinct set is best, but sets
 * multiply with the rules' overlaps (eight rules each adding their own flag can leave 255
 * combinations). The choice, in order:
 * <ol>
 *   <li>one STORE per distinct set, if that is no more commands than one per flag;</li>
 *   <li>else the same within each block of flags that rules change together (a rule's
 *       {@code add_flags: [\Seen, $Newsletter]} is one block; blocks that share a flag are one),
 *       block by block, where it is no more commands than one per flag of the block;</li>
 *   <li>else one STORE per flag of that block.</li>
 * </ol>
 * Either way the count stays bounded by the number of flags the rules name, whatever the mailbox
 * holds (docs/architecture.md, "Execute").
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
    private final Map<SortedSet<Flag>, BitSet> byChange = new LinkedHashMap<>();

    /** {@code blockOf}: from {@link #blocks}. */
    DeltaGroups(Map<Flag, SortedSet<Flag>> blockOf) {
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

    /** Adds these messages, which all gain (or lose) exactly {@code flags}; an empty set is ignored. */
    void add(Set<Flag> flags, BitSet messages) {
        if (!flags.isEmpty() && !messages.isEmpty()) {
            byChange.computeIfAbsent(sorted(flags), f -> new BitSet()).or(messages);
        }
    }

    /** The STOREs, each with the messages (as {@code uidsOf} names them) that change by its flags. */
    List<Operation.Store> stores(Operation.StoreMode mode, Function<BitSet, long[]> uidsOf) {
        List<Operation.Store> out = new ArrayList<>();
        groups().forEach((flags, messages) -> out.add(new Operation.Store(uidsOf.apply(messages), mode, flags)));
        return out;
    }

    /** The order in which a bring sends its delta STOREs: by flags, an add before a remove of the same. */
    static Comparator<Operation.Store> storeOrder() {
        return Comparator.<Operation.Store, SortedSet<Flag>>comparing(s -> sorted(s.flags()), SET_ORDER)
                .thenComparing(Operation.Store::mode);
    }

    private Map<SortedSet<Flag>, BitSet> groups() {
        Map<SortedSet<Flag>, BitSet> out = new TreeMap<>(SET_ORDER);
        if (fewEnough(byChange)) {
            out.putAll(byChange);
            return out;
        }
        Set<SortedSet<Flag>> blocks = new LinkedHashSet<>();
        flagsOf(byChange).forEach(f -> blocks.add(blockOf.getOrDefault(f, sorted(Set.of(f)))));
        for (SortedSet<Flag> block : blocks) {
            Map<SortedSet<Flag>, BitSet> within = within(block);
            out.putAll(fewEnough(within) ? within : perFlag(within));
        }
        return out;
    }

    /** The messages grouped by the part of their change that lies in {@code block}. */
    private Map<SortedSet<Flag>, BitSet> within(Set<Flag> block) {
        Map<SortedSet<Flag>, BitSet> out = new LinkedHashMap<>();
        byChange.forEach((flags, messages) -> {
            SortedSet<Flag> part = new TreeSet<>(flags);
            part.retainAll(block);
            if (!part.isEmpty()) {
                out.computeIfAbsent(Collections.unmodifiableSortedSet(part), p -> new BitSet()).or(messages);
            }
        });
        return out;
    }

    private static Map<SortedSet<Flag>, BitSet> perFlag(Map<SortedSet<Flag>, BitSet> groups) {
        Map<SortedSet<Flag>, BitSet> out = new LinkedHashMap<>();
        for (Flag f : flagsOf(groups)) {
            BitSet messages = new BitSet();
            groups.forEach((flags, members) -> {
                if (flags.contains(f)) {
                    messages.or(members);
                }
            });
            out.put(sorted(Set.of(f)), messages);
        }
        return out;
    }

    /** Whether one STORE per distinct set needs no more commands than one per flag. */
    private static boolean fewEnough(Map<SortedSet<Flag>, BitSet> groups) {
        return groups.size() <= flagsOf(groups).size();
    }

    private static SortedSet<Flag> flagsOf(Map<SortedSet<Flag>, BitSet> groups) {
        SortedSet<Flag> out = new TreeSet<>();
        groups.keySet().forEach(out::addAll);
        return out;
    }

    private static SortedSet<Flag> sorted(Set<Flag> flags) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }
}
