package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;

/**
 * Writes the {@code UID STORE} operations that bring messages from the flags the server has to the
 * flags the plan wants, and tracks the server's flags from then on.
 *
 * <p>Messages whose change contains a {@code set_flags} get {@code FLAGS.SILENT} grouped by the
 * target set. The others get one {@code +FLAGS.SILENT (set)} per distinct set of flags to add and
 * one {@code -FLAGS.SILENT (set)} per distinct set to remove, so each is stored at most once per
 * direction, unless that takes more commands than one STORE per flag; then by the blocks of flags
 * the rules change together, or per flag ({@link DeltaGroups}). A set may hold flags a message
 * already has (or, to remove, already lacks) where that lets messages bound for the same flags
 * share a STORE. The number of commands stays
 * bounded by the number of flags, not by the number of combinations (docs/architecture.md, "Execute").
 */
final class FlagStores {

    private final FlagSetTable table;
    private final long[] uids;
    /** Per message, the id of the flags the server has (as far as this run changed them). */
    private final int[] server;
    /** The blocks of flags that rules add (remove) together; see {@link DeltaGroups}. */
    private final Map<Flag, SortedSet<Flag>> addedTogether;
    private final Map<Flag, SortedSet<Flag>> removedTogether;

    /** {@code rules}: their add/remove sets decide which flags count as one change. */
    FlagStores(FlagSetTable table, long[] uids, int[] server, List<RuleSpec> rules) {
        this.table = table;
        this.uids = uids;
        this.server = server;
        List<Set<Flag>> added = new ArrayList<>();
        List<Set<Flag>> removed = new ArrayList<>();
        for (RuleSpec rule : rules) {
            rule.flagChange().match(r -> null, d -> {
                added.add(d.add());
                removed.add(d.remove());
                return null;
            });
        }
        this.addedTogether = DeltaGroups.blocks(added);
        this.removedTogether = DeltaGroups.blocks(removed);
    }

    boolean serverHas(int message, Flag flag) {
        return table.membership(flag)[server[message]];
    }

    /**
     * Appends to {@code out} the stores that give every message of {@code messages} the flags
     * {@code target[m]}; {@code replaced} marks those whose change contains a {@code set_flags}.
     */
    void bring(BitSet messages, int[] target, BitSet replaced, List<Operation> out) {
        BitSet changing = new BitSet();
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            if (target[m] != server[m]) {
                changing.set(m);
            }
        }
        if (changing.isEmpty()) {
            return;
        }
        BitSet replacing = (BitSet) changing.clone();
        replacing.and(replaced);
        BitSet delta = (BitSet) changing.clone();
        delta.andNot(replaced);
        replaceStores(replacing, target, out);
        deltaStores(delta, target, out);
        for (int m = changing.nextSetBit(0); m >= 0; m = changing.nextSetBit(m + 1)) {
            server[m] = target[m];
        }
    }

    private void replaceStores(BitSet messages, int[] target, List<Operation> out) {
        BitSet[] byTarget = new BitSet[table.size()];
        List<Integer> order = new ArrayList<>();
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            int t = target[m];
            if (byTarget[t] == null) {
                byTarget[t] = new BitSet();
                order.add(t);
            }
            byTarget[t].set(m);
        }
        for (int t : order) {
            out.add(new Operation.Store(uidsOf(byTarget[t]), StoreMode.REPLACE, table.get(t)));
        }
    }

    /**
     * The add/remove stores: messages are grouped by where they go and where they are (few
     * distinct pairs of flag sets, however many messages), and each pair's gain and loss joins
     * its direction's {@link DeltaGroups}. Each pair's messages are an exact-size index array
     * (counted, then filled), so the pairs together cost 4 bytes per changing message, however
     * many pairs there are; a BitSet per pair would span the mailbox.
     */
    private void deltaStores(BitSet messages, int[] target, List<Operation> out) {
        if (messages.isEmpty()) {
            return;
        }
        Map<Long, int[]> pairs = new LinkedHashMap<>();
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            pairs.computeIfAbsent(pair(target[m], server[m]), k -> new int[1])[0]++;
        }
        Map<Long, int[]> members = new LinkedHashMap<>();
        Map<Long, int[]> filled = new HashMap<>();
        pairs.forEach((key, count) -> {
            members.put(key, new int[count[0]]);
            filled.put(key, new int[1]);
        });
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            long key = pair(target[m], server[m]);
            members.get(key)[filled.get(key)[0]++] = m;
        }
        DeltaGroups adds = new DeltaGroups(StoreMode.ADD, addedTogether);
        DeltaGroups removes = new DeltaGroups(StoreMode.REMOVE, removedTogether);
        members.forEach((key, indexes) -> {
            Set<Flag> to = table.get((int) (key >>> 32));
            Set<Flag> from = table.get((int) (long) key);
            adds.add(difference(to, from), to, indexes);
            removes.add(difference(from, to), to, indexes);
        });
        List<Operation.Store> stores = new ArrayList<>(adds.stores(this::uidsOfIndexes));
        stores.addAll(removes.stores(this::uidsOfIndexes));
        stores.sort(DeltaGroups.storeOrder());
        out.addAll(stores);
    }

    private static long pair(int targetId, int serverId) {
        return (long) targetId << 32 | serverId;
    }

    private UidSet uidsOfIndexes(int[] ascendingIndexes) {
        return UidSet.select(uids, ascendingIndexes);
    }

    private static Set<Flag> difference(Set<Flag> a, Set<Flag> b) {
        Set<Flag> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    void store(BitSet messages, StoreMode mode, Flag flag, List<Operation> out) {
        if (!messages.isEmpty()) {
            out.add(new Operation.Store(uidsOf(messages), mode, Set.of(flag)));
        }
    }

    /** The UIDs of these messages, ascending because the snapshot's are. */
    UidSet uidsOf(BitSet messages) {
        return UidSet.select(uids, messages);
    }
}
