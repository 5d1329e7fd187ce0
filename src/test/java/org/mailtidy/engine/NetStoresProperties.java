package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.Operation;

/** {@link NetStores} against the stores sent one by one, as a server applies them. */
class NetStoresProperties {
    private static final List<Flag> FLAGS = List.of(Flag.SEEN, Flag.FLAGGED, Flag.DELETED, Flag.of("$Junk"),
            Flag.of("Work"));

    /**
     * A mailbox of messages 1..n: what the server has ({@code actual}, with {@code \Recent} at times),
     * what the run read ({@code read}: the same except where {@code changedSinceRead}, stale there), and
     * a run of stores.
     */
    record Scenario(List<Set<Flag>> actual, List<Set<Flag>> read, BitSet changedSinceRead,
                    List<Operation.Store> stores, boolean conditional) {
        MailboxSnapshot snapshot() {
            List<Set<Flag>> sets = new ArrayList<>();
            Map<Set<Flag>, Integer> ids = new HashMap<>();
            int[] setIds = new int[read.size()];
            for (int i = 0; i < read.size(); i++) {
                Set<Flag> withoutRecent = new TreeSet<>(read.get(i));
                withoutRecent.remove(Flag.RECENT);
                setIds[i] = ids.computeIfAbsent(withoutRecent, s -> {
                    sets.add(s);
                    return sets.size() - 1;
                });
            }
            long[] uids = LongStream.rangeClosed(1, read.size()).toArray();
            return new MailboxSnapshot(1, uids, setIds, sets, new long[uids.length], new long[uids.length]);
        }

        List<NetStores.Merged> merged() {
            return NetStores.fold(stores, snapshot(), changedSinceRead, conditional);
        }
    }

    @Property(tries = 2000)
    void theMergedStoresLeaveEveryMessageWithTheFlagsOfTheStoresOneByOne(@ForAll("scenarios") Scenario s) {
        List<Set<Flag>> oneByOne = copy(s.actual());
        for (Operation.Store store : s.stores()) {
            LongStream.of(store.uids().toArray()).forEach(uid -> apply(oneByOne, uid, store.mode(), store.flags()));
        }
        List<Set<Flag>> merged = copy(s.actual());
        for (NetStores.Merged m : s.merged()) {
            LongStream.of(m.uids()).forEach(uid -> apply(merged, uid, m.mode(), m.flags()));
        }

        assertThat(merged).isEqualTo(oneByOne);
    }

    @Property(tries = 2000)
    void whereConditionalAMessageWhoseReadFlagsAreCurrentIsInOneStore(@ForAll("scenarios") Scenario s) {
        Map<Long, Integer> storesOf = new HashMap<>();
        for (NetStores.Merged m : s.merged()) {
            LongStream.of(m.uids()).forEach(uid -> storesOf.merge(uid, 1, Integer::sum));
        }

        storesOf.forEach((uid, n) -> {
            if (s.conditional() && !s.changedSinceRead().get((int) (uid - 1))) {
                assertThat(n).as("stores of UID %d", uid).isEqualTo(1);
            } else {
                assertThat(n).as("stores of UID %d", uid).isBetween(1, 2);
            }
        });
        Set<Long> planned = new TreeSet<>();
        s.stores().forEach(st -> LongStream.of(st.uids().toArray()).forEach(planned::add));
        assertThat(storesOf.keySet()).isEqualTo(planned);
    }

    @Property(tries = 1000)
    void noMergedStoreNamesRecentOrAnEmptyUidSet(@ForAll("scenarios") Scenario s) {
        for (NetStores.Merged m : s.merged()) {
            assertThat(m.flags()).doesNotContain(Flag.RECENT);
            assertThat(m.uids()).isNotEmpty().isSorted();
        }
    }

    @Example
    void aMessageGainingAndLosingFlagsGetsOneFlagsStoreOfWhatWasReadWhereConditional() {
        Scenario s = new Scenario(List.of(Set.of(), Set.of(Flag.of("$Junk")), Set.of(Flag.of("$Junk"), Flag.RECENT)),
                List.of(Set.of(), Set.of(Flag.of("$Junk")), Set.of(Flag.of("$Junk"), Flag.RECENT)), new BitSet(),
                List.of(store(StoreMode.ADD, Flag.SEEN, 1, 2, 3), store(StoreMode.REMOVE, Flag.of("$Junk"), 2, 3)),
                true);

        assertThat(s.merged()).extracting(NetStoresProperties::text)
                .containsExactly("2:3 FLAGS.SILENT [\\Seen]", "1 +FLAGS.SILENT [\\Seen]");
        assertThat(new Scenario(s.actual(), s.read(), s.changedSinceRead(), s.stores(), false).merged())
                .extracting(NetStoresProperties::text)
                .containsExactly("2:3 -FLAGS.SILENT [$Junk]", "1:3 +FLAGS.SILENT [\\Seen]");
    }

    @Example
    void pastTheLimitOfComputedFlagsSetsMessagesGetAnAddAndARemoveInstead() {
        int n = NetStores.MAX_COMPUTED_REPLACES + 1;
        List<Set<Flag>> flags = IntStream.range(0, n).<Set<Flag>>mapToObj(i -> Set.of(Flag.of("$Junk"),
                Flag.of("K" + i))).toList();
        long[] all = LongStream.rangeClosed(1, n).toArray();
        Scenario s = new Scenario(flags, flags, new BitSet(), List.of(store(StoreMode.ADD, Flag.SEEN, all),
                store(StoreMode.REMOVE, Flag.of("$Junk"), all)), true);

        assertThat(s.merged()).extracting(NetStoresProperties::text).containsExactly(
                "1:" + n + " -FLAGS.SILENT [$Junk]", "1:" + n + " +FLAGS.SILENT [\\Seen]");
    }

    @Example
    void aReadKeywordSpeltLikeAChangedOneButForCaseLeavesTheAddAndTheRemoveToTheServer() {
        List<Set<Flag>> flags = List.of(Set.of(Flag.of("$junk")));
        Scenario s = new Scenario(flags, flags, new BitSet(), List.of(store(StoreMode.ADD, Flag.SEEN, 1),
                store(StoreMode.REMOVE, Flag.of("$Junk"), 1)), true);

        assertThat(s.merged()).extracting(NetStoresProperties::text)
                .containsExactly("1 -FLAGS.SILENT [$Junk]", "1 +FLAGS.SILENT [\\Seen]");
    }

    @Example
    void pastTheLimitOfMergedCommandsThePlansOwnStoresGoAsTheyAre() {
        int stores = 11;
        int n = 1 << stores;
        List<Set<Flag>> none = IntStream.range(0, n).<Set<Flag>>mapToObj(i -> Set.of()).toList();
        List<Operation.Store> plan = IntStream.range(0, stores).mapToObj(k -> store(StoreMode.ADD, Flag.of("K" + k),
                LongStream.rangeClosed(1, n).filter(uid -> (uid >> k & 1) == 1).toArray())).toList();

        List<NetStores.Merged> merged = new Scenario(none, none, new BitSet(), plan, true).merged();

        assertThat(n - 1).isGreaterThan(NetStores.MAX_MERGED_COMMANDS);
        assertThat(merged).extracting(NetStoresProperties::text).containsExactlyElementsOf(plan.stream()
                .map(st -> new NetStores.Merged(st.uids().toArray(), st.mode(), new TreeSet<>(st.flags())))
                .map(NetStoresProperties::text).toList());
    }

    private static String text(NetStores.Merged m) {
        return String.join(",", org.mailtidy.imap.UidSets.split(m.uids(), Integer.MAX_VALUE)) + " " + m.mode().item()
                + " " + m.flags();
    }

    private static Operation.Store store(StoreMode mode, Flag flag, long... uids) {
        return new Operation.Store(UidSet.of(uids), mode, Set.of(flag));
    }

    /** As a server does: {@code \Recent} is the server's alone. */
    private static void apply(List<Set<Flag>> flags, long uid, StoreMode mode, Set<Flag> change) {
        Set<Flag> f = flags.get((int) (uid - 1));
        switch (mode) {
            case ADD -> f.addAll(change);
            case REMOVE -> f.removeAll(change);
            case REPLACE -> {
                boolean recent = f.contains(Flag.RECENT);
                f.clear();
                f.addAll(change);
                if (recent) {
                    f.add(Flag.RECENT);
                }
            }
        }
    }

    private static List<Set<Flag>> copy(List<Set<Flag>> flags) {
        return flags.stream().<Set<Flag>>map(TreeSet::new).toList();
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.integers().between(1, 8).flatMap(n -> {
            Arbitrary<Set<Flag>> flagSet = Arbitraries.of(FLAGS).set().ofMaxSize(FLAGS.size());
            Arbitrary<Set<Flag>> serverSet = Combinators.combine(flagSet, Arbitraries.integers().between(0, 3))
                    .as((set, r) -> {
                        Set<Flag> out = new TreeSet<>(set);
                        if (r == 0) {
                            out.add(Flag.RECENT);
                        }
                        return out;
                    });
            Arbitrary<Operation.Store> store = Combinators.combine(Arbitraries.of(StoreMode.class),
                    Arbitraries.of(FLAGS).set().ofMinSize(1).ofMaxSize(3),
                    Arbitraries.longs().between(1, n).set().ofMinSize(1).ofMaxSize(n))
                    .as((mode, change, uids) -> new Operation.Store(UidSet.of(uids.stream().mapToLong(Long::longValue)),
                            mode, change));
            return Combinators.combine(serverSet.list().ofSize(n), flagSet.list().ofSize(n),
                    Arbitraries.integers().between(0, n - 1).set().ofMaxSize(n), store.list().ofMaxSize(6),
                    Arbitraries.of(true, false)).as((actual, stale, changed, stores, conditional) -> {
                        BitSet changedSinceRead = new BitSet();
                        changed.forEach(changedSinceRead::set);
                        List<Set<Flag>> read = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            read.add(changedSinceRead.get(i) ? stale.get(i) : actual.get(i));
                        }
                        return new Scenario(actual, read, changedSinceRead, stores, conditional);
                    });
        });
    }
}
