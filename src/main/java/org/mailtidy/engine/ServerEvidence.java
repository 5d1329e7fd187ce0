package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Evidence;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RegexOutcomes;

/**
 * Search answers and fetched header values of one mailbox run, indexed like the snapshot. A regex
 * rule may fetch fields of tens of thousands of messages, so they are kept as an {@code int[]} of
 * message indexes beside one list of value lists per message, not as a map of maps.
 */
final class ServerEvidence implements Evidence {
    private final Map<Criterion, BitSet> searches = new HashMap<>();
    private final Map<Criterion.HeaderRegex, RegexOutcomes> known = new HashMap<>();
    /** Lower-cased names of the fields fetched, in order of first appearance. */
    private final List<String> fieldNames = new ArrayList<>();
    /**
     * Indexes of the messages whose fields were fetched; {@code rows.get(k)} holds the k-th one's
     * values: the value itself when it is the only one and of the first field (a regex rule's usual
     * Subject or From), else one list of values per field.
     */
    private int[] headerIndexes = new int[16];
    private final List<Object> rows = new ArrayList<>();
    private boolean ascending = true;

    void addSearch(Criterion subtree, BitSet matches) {
        searches.put(subtree, matches);
    }

    /** Outcomes of a regex criterion known without fetching (from the mailbox cache). */
    void addKnownOutcomes(Criterion.HeaderRegex regex, RegexOutcomes outcomes) {
        known.put(regex, outcomes);
    }

    /**
     * Runs the regex on the fetched values of {@code fetched} and adds those outcomes to the known
     * ones, so the plan does not run it again; returns all known outcomes of the criterion.
     */
    RegexOutcomes learnOutcomes(Criterion.HeaderRegex regex, BitSet fetched) {
        RegexOutcomes before = knownOutcomes(regex);
        BitSet open = (BitSet) fetched.clone();
        open.andNot(before.known());
        if (open.isEmpty()) {
            return before;
        }
        BitSet evaluated = (BitSet) before.known().clone();
        evaluated.or(open);
        BitSet matching = (BitSet) before.matching().clone();
        matching.or(Planner.regexMatches(regex, open, this));
        RegexOutcomes after = new RegexOutcomes(evaluated, matching);
        known.put(regex, after);
        return after;
    }

    /** The fields of one message (an absent field maps to an empty list); each message once. */
    void addHeaders(int index, Map<String, List<String>> fields) {
        List<List<String>> row = new ArrayList<>(fieldNames.size());
        fields.forEach((name, values) -> {
            int f = fieldIndex(name.toLowerCase(Locale.ROOT));
            while (row.size() <= f) {
                row.add(List.of());
            }
            row.set(f, List.copyOf(values));
        });
        int k = rows.size();
        if (k == headerIndexes.length) {
            headerIndexes = Arrays.copyOf(headerIndexes, k * 2);
        }
        ascending &= k == 0 || headerIndexes[k - 1] < index;
        headerIndexes[k] = index;
        boolean onlyOneValue = row.size() == 1 && row.get(0).size() == 1;
        rows.add(onlyOneValue ? row.get(0).get(0) : List.copyOf(row));
    }

    @Override
    public BitSet serverMatches(Criterion serverSubtree) {
        BitSet b = searches.get(serverSubtree);
        if (b == null) {
            throw new IllegalStateException("no search was sent for " + serverSubtree);
        }
        return b;
    }

    @Override
    public RegexOutcomes knownOutcomes(Criterion.HeaderRegex regex) {
        return known.getOrDefault(regex, RegexOutcomes.none());
    }

    @Override
    public List<String> headerValues(int index, String header) {
        if (!ascending) {
            sortRows();
        }
        int k = Arrays.binarySearch(headerIndexes, 0, rows.size(), index);
        if (k < 0) {
            return null;
        }
        int f = fieldNames.indexOf(header.toLowerCase(Locale.ROOT));
        Object row = rows.get(k);
        if (row instanceof String only) {
            return f == 0 ? List.of(only) : List.of();
        }
        List<?> values = (List<?>) row;
        return f < 0 || f >= values.size() ? List.of() : castValues(values.get(f));
    }

    @SuppressWarnings("unchecked")
    private static List<String> castValues(Object values) {
        return (List<String>) values;
    }

    private int fieldIndex(String lowerCaseName) {
        int f = fieldNames.indexOf(lowerCaseName);
        if (f < 0) {
            fieldNames.add(lowerCaseName);
            f = fieldNames.size() - 1;
        }
        return f;
    }

    /** Servers answer in UID order, which is index order; anything else is put in order once. */
    private void sortRows() {
        int n = rows.size();
        long[] order = new long[n];
        for (int k = 0; k < n; k++) {
            order[k] = (long) headerIndexes[k] << 32 | k;
        }
        Arrays.sort(order);
        List<Object> sorted = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            headerIndexes[k] = (int) (order[k] >>> 32);
            sorted.add(rows.get((int) order[k]));
        }
        rows.clear();
        rows.addAll(sorted);
        ascending = true;
    }
}
