package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * Writes the {@code UID STORE} operations that bring messages from the flags the server has to the
 * flags the plan wants, and tracks the server's flags from then on.
 *
 * <p>Messages whose change contains a {@code set_flags} get {@code FLAGS.SILENT} grouped by the
 * target set. The others get one {@code +FLAGS.SILENT (f)} / {@code -FLAGS.SILENT (f)} per flag
 * the rules add or remove, for exactly the messages it changes: the number of commands is bounded
 * by the number of flags, not by the number of combinations (docs/architecture.md, "Execute").
 */
final class FlagStores {

    private final FlagSetTable table;
    private final long[] uids;
    /** The flags that rules' add/remove actions name, in order: the only ones a delta changes. */
    private final SortedSet<Flag> deltaFlags;
    /** Per message, the id of the flags the server has (as far as this run changed them). */
    private final int[] server;

    FlagStores(FlagSetTable table, long[] uids, SortedSet<Flag> deltaFlags, int[] server) {
        this.table = table;
        this.uids = uids;
        this.deltaFlags = deltaFlags;
        this.server = server;
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
            out.add(new Operation.Store(uidsOf(byTarget[t]), Operation.StoreMode.REPLACE, table.get(t)));
        }
    }

    private void deltaStores(BitSet messages, int[] target, List<Operation> out) {
        if (messages.isEmpty()) {
            return;
        }
        for (Flag f : deltaFlags) {
            boolean[] has = table.membership(f);
            BitSet add = new BitSet();
            BitSet remove = new BitSet();
            for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
                boolean want = has[target[m]];
                if (want != has[server[m]]) {
                    (want ? add : remove).set(m);
                }
            }
            store(add, Operation.StoreMode.ADD, f, out);
            store(remove, Operation.StoreMode.REMOVE, f, out);
        }
    }

    void store(BitSet messages, Operation.StoreMode mode, Flag flag, List<Operation> out) {
        if (!messages.isEmpty()) {
            out.add(new Operation.Store(uidsOf(messages), mode, Set.of(flag)));
        }
    }

    /** The UIDs of these messages, ascending because the snapshot's are. */
    long[] uidsOf(BitSet messages) {
        long[] out = new long[messages.cardinality()];
        int i = 0;
        for (int m = messages.nextSetBit(0); m >= 0; m = messages.nextSetBit(m + 1)) {
            out[i++] = uids[m];
        }
        return out;
    }
}
