package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The outcome of a run, to compare the reference with the simulated batch: the source mailbox
 * (UID to flags), what arrived in each other mailbox (a multiset of original UID and flags), and
 * the expunged UIDs.
 */
public record FinalState(SortedMap<Long, Set<Flag>> source, SortedMap<String, List<Arrival>> arrivals,
                  SortedSet<Long> expunged) {

    public record Arrival(long uid, Set<Flag> flags) {
        public Arrival {
            flags = new TreeSet<>(flags);
        }

        @Override
        public String toString() {
            return uid + flags.toString();
        }
    }

    public static FinalState of(Map<Long, ? extends Set<Flag>> source, Map<String, List<Arrival>> arrivals,
                         Set<Long> expunged) {
        SortedMap<Long, Set<Flag>> s = new TreeMap<>();
        source.forEach((uid, flags) -> s.put(uid, new TreeSet<>(flags)));
        SortedMap<String, List<Arrival>> a = new TreeMap<>();
        arrivals.forEach((mailbox, list) -> {
            List<Arrival> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingLong(Arrival::uid).thenComparing(x -> x.flags().toString()));
            a.put(mailbox, List.copyOf(sorted));
        });
        return new FinalState(s, a, new TreeSet<>(expunged));
    }
}
