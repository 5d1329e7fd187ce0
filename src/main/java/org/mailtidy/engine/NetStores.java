package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailtidy.mail.FlagColumns;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.Operation;

/**
 * A run of consecutive plan stores folded into each message's net change, so that a message is in
 * one STORE where stores are conditional: with CONDSTORE a message's second STORE needs the
 * mod-sequence its first one reported, one round trip per store a message is in
 * (docs/adr/0016-one-store-flight-per-batch.md).
 *
 * <p>Per message, in plan order: a {@code FLAGS} (replace) sets its flags, and adds and removes
 * after it change that set; without one, the flags added and those removed, a later store of a
 * flag overruling an earlier one. A message that both gains and loses flags gets one {@code FLAGS}
 * of the flags the run read for it with the change applied, where the stores are conditional
 * ({@code UNCHANGEDSINCE} makes that exact: the server refuses it if the message changed since)
 * and its read flags are still what the server has; otherwise a {@code +FLAGS} and a {@code -FLAGS}
 * (disjoint, so their order does not matter). Nothing is dropped: a message ends with the flags
 * the stores one by one would have given it, and each command names what the plan sent.
 *
 * <p>Messages in the same stores of the run share their net change, so the fold is worked out once
 * per combination of stores, not per message; per message it costs one int.
 */
final class NetStores {
    /**
     * Past this many distinct computed {@code FLAGS} sets (they multiply with the flag sets the
     * mailbox holds), messages that gain and lose flags get {@code +FLAGS} and {@code -FLAGS}
     * instead: commands stay bounded by the plan's, at the cost of a second flight.
     */
    static final int MAX_COMPUTED_REPLACES = 256;

    /**
     * Past this many merged commands (one per combination of the plan's stores that messages are in,
     * which can grow with the combinations the mailbox holds) the plan's own stores are sent as they
     * are, chained over flights as before: the commands stay bounded. A flight carries any number of
     * commands (imap/StreamedPipeline, docs/adr/0018); 1,024 STORE lines are at most a few hundred KB.
     */
    static final int MAX_MERGED_COMMANDS = 1024;

    /** One merged STORE: these UIDs (ascending), this form, these flags. */
    record Merged(long[] uids, StoreMode mode, SortedSet<Flag> flags) {
    }

    /** A message's stores so far: a replace set if one was sent, else flags to add and to remove (disjoint). */
    record Net(Optional<SortedSet<Flag>> replace, SortedSet<Flag> add, SortedSet<Flag> remove) {
        static final Net NONE = new Net(Optional.empty(), Collections.emptySortedSet(), Collections.emptySortedSet());

        Net then(StoreMode mode, Set<Flag> flags) {
            TreeSet<Flag> add = new TreeSet<>(this.add);
            TreeSet<Flag> remove = new TreeSet<>(this.remove);
            Optional<SortedSet<Flag>> replace = this.replace.map(TreeSet::new);
            switch (mode) {
                case REPLACE -> {
                    replace = Optional.of(new TreeSet<>(flags));
                    add.clear();
                    remove.clear();
                }
                case ADD -> {
                    replace.ifPresentOrElse(r -> r.addAll(flags), () -> add.addAll(flags));
                    remove.removeAll(flags);
                }
                case REMOVE -> {
                    replace.ifPresentOrElse(r -> r.removeAll(flags), () -> remove.addAll(flags));
                    add.removeAll(flags);
                }
            }
            return new Net(replace, add, remove);
        }

        /** The flags a message with {@code before} ends with. */
        Set<Flag> applyTo(Set<Flag> before) {
            if (replace.isPresent()) {
                return replace.get();
            }
            TreeSet<Flag> out = new TreeSet<>(before);
            out.addAll(add);
            out.removeAll(remove);
            return out;
        }
    }

    private record Key(StoreMode mode, SortedSet<Flag> flags) {
    }

    private NetStores() {
    }

    /**
     * The merged stores of {@code stores} (consecutive, in plan order), in a fixed order: replaces,
     * then by flags; or {@code stores} themselves, in plan order, past {@link #MAX_MERGED_COMMANDS}.
     * {@code read}: the flags the run read, by message; {@code changedSinceRead}: indexes into
     * {@code read} of messages whose flags this batch may have changed before these stores (their
     * read flags are not the server's); {@code conditional}: the stores carry {@code UNCHANGEDSINCE}.
     */
    static List<Merged> fold(List<Operation.Store> stores, FlagColumns<Set<Flag>> read, BitSet changedSinceRead,
                             boolean conditional) {
        int n = read.size();
        int[] combination = new int[n];
        Map<Long, Integer> outside = new TreeMap<>();
        List<Net> nets = new ArrayList<>(List.of(Net.NONE));
        Map<Long, Integer> next = new HashMap<>();
        for (int s = 0; s < stores.size(); s++) {
            Operation.Store store = stores.get(s);
            int op = s;
            for (int k = 0; k < store.uids().size(); k++) {
                long uid = store.uids().get(k);
                int i = read.indexOf(uid);
                int before = i >= 0 ? combination[i] : outside.getOrDefault(uid, 0);
                int after = next.computeIfAbsent((long) before << 32 | op, key -> {
                    nets.add(nets.get(before).then(store.mode(), store.flags()));
                    return nets.size() - 1;
                });
                if (i >= 0) {
                    combination[i] = after;
                } else {
                    outside.put(uid, after);
                }
            }
        }
        boolean computeReplaces = conditional && computedReplaces(combination, nets, read, changedSinceRead)
                <= MAX_COMPUTED_REPLACES;
        Map<Key, long[]> groups = new LinkedHashMap<>();
        Map<Key, int[]> sizes = new HashMap<>();
        Map<Long, List<Key>> keysOf = new HashMap<>();
        int[] setIds = read.flagSetIds();
        for (int i = 0; i < n; i++) {
            if (combination[i] != 0) {
                boolean fromRead = computeReplaces && !changedSinceRead.get(i);
                int setId = fromRead ? setIds[i] : -1;
                List<Key> keys = keysOf.computeIfAbsent((long) combination[i] << 32 | (setId & 0xffffffffL),
                        k -> keys(nets.get((int) (k >>> 32)),
                                fromRead ? read.flagSets().get(setId) : null));
                for (Key key : keys) {
                    append(groups, sizes, key, read.uids()[i]);
                }
            }
        }
        for (Map.Entry<Long, Integer> e : outside.entrySet()) {
            for (Key key : keys(nets.get(e.getValue()), null)) {
                append(groups, sizes, key, e.getKey());
            }
        }
        if (groups.size() > MAX_MERGED_COMMANDS) {
            return stores.stream().map(st -> new Merged(st.uids().toArray(), st.mode(), withoutRecent(st.flags())))
                    .toList();
        }
        List<Merged> out = new ArrayList<>(groups.size());
        groups.forEach((key, uids) -> {
            long[] exact = Arrays.copyOf(uids, sizes.get(key)[0]);
            Arrays.sort(exact);
            out.add(new Merged(exact, key.mode(), key.flags()));
        });
        out.sort(ORDER);
        return out;
    }

    private static final Comparator<Merged> ORDER = Comparator.<Merged, Boolean>comparing(
                    m -> m.mode() != StoreMode.REPLACE)
            .thenComparing(m -> m.flags().stream().map(Flag::name).toList(), NetStores::compareNames)
            .thenComparing(Merged::mode);

    private static int compareNames(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** How many distinct FLAGS sets the messages that gain and lose flags would take. */
    private static int computedReplaces(int[] combination, List<Net> nets, FlagColumns<Set<Flag>> read,
                                        BitSet changedSinceRead) {
        Set<Long> pairs = new java.util.HashSet<>();
        Set<Set<Flag>> targets = new java.util.HashSet<>();
        int[] setIds = read.flagSetIds();
        for (int i = 0; i < combination.length; i++) {
            Net net = nets.get(combination[i]);
            if (combination[i] != 0 && net.replace().isEmpty() && !net.add().isEmpty() && !net.remove().isEmpty()
                    && !changedSinceRead.get(i) && pairs.add((long) combination[i] << 32 | setIds[i])) {
                targets.add(withoutRecent(net.applyTo(read.flags(i))));
                if (targets.size() > MAX_COMPUTED_REPLACES) {
                    break;
                }
            }
        }
        return targets.size();
    }

    /** The commands a message with this net change is in; {@code readFlags}: null where no FLAGS may be computed. */
    private static List<Key> keys(Net net, Set<Flag> readFlags) {
        if (net.replace().isPresent()) {
            return List.of(new Key(StoreMode.REPLACE, withoutRecent(net.replace().get())));
        }
        if (net.remove().isEmpty()) {
            return List.of(new Key(StoreMode.ADD, withoutRecent(net.add())));
        }
        if (net.add().isEmpty()) {
            return List.of(new Key(StoreMode.REMOVE, withoutRecent(net.remove())));
        }
        if (readFlags != null && !differInCaseOnly(readFlags, net)) {
            return List.of(new Key(StoreMode.REPLACE, withoutRecent(net.applyTo(readFlags))));
        }
        return List.of(new Key(StoreMode.ADD, withoutRecent(net.add())),
                new Key(StoreMode.REMOVE, withoutRecent(net.remove())));
    }

    /**
     * True when a flag read and one the change names are spelt alike but for case: servers differ on
     * whether keywords ignore case (RFC 9051 section 2.3.2 says they do), so there the server's own
     * {@code +FLAGS} and {@code -FLAGS} decide, not a set computed here.
     */
    private static boolean differInCaseOnly(Set<Flag> readFlags, Net net) {
        Set<String> read = new java.util.HashSet<>();
        readFlags.forEach(f -> read.add(f.name()));
        Set<String> folded = new java.util.HashSet<>();
        readFlags.forEach(f -> folded.add(f.name().toLowerCase(java.util.Locale.ROOT)));
        return java.util.stream.Stream.concat(net.add().stream(), net.remove().stream())
                .anyMatch(f -> !read.contains(f.name()) && folded.contains(f.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /** A client never stores {@code \Recent} (RFC 3501 section 2.3.2). */
    private static SortedSet<Flag> withoutRecent(Set<Flag> flags) {
        TreeSet<Flag> out = new TreeSet<>(flags);
        out.remove(Flag.RECENT);
        return Collections.unmodifiableSortedSet(out);
    }

    private static void append(Map<Key, long[]> groups, Map<Key, int[]> sizes, Key key, long uid) {
        long[] uids = groups.computeIfAbsent(key, k -> new long[8]);
        int[] size = sizes.computeIfAbsent(key, k -> new int[1]);
        if (size[0] == uids.length) {
            uids = Arrays.copyOf(uids, uids.length * 2);
            groups.put(key, uids);
        }
        uids[size[0]++] = uid;
    }
}
