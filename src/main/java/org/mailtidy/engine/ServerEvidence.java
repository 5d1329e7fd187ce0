package org.mailtidy.engine;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Evidence;

/** Search answers and fetched header values of one mailbox run, indexed like the snapshot. */
final class ServerEvidence implements Evidence {
    private final Map<Criterion, BitSet> searches = new HashMap<>();
    /** index -> lower-cased header name -> values; only messages whose headers were fetched. */
    private final Map<Integer, Map<String, List<String>>> headers = new HashMap<>();

    void addSearch(Criterion subtree, BitSet matches) {
        searches.put(subtree, matches);
    }

    void addHeaders(int index, Map<String, List<String>> fields) {
        Map<String, List<String>> lower = new HashMap<>();
        fields.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers.put(index, lower);
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
    public List<String> headerValues(int index, String header) {
        Map<String, List<String>> fields = headers.get(index);
        if (fields == null) {
            return null;
        }
        return fields.getOrDefault(header.toLowerCase(Locale.ROOT), List.of());
    }
}
