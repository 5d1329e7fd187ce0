package org.mailtidy.rules;

import java.util.BitSet;
import java.util.List;

/** What the server told the run beyond the snapshot: search answers and fetched header values. */
public interface Evidence {

    /**
     * Indexes (into the snapshot) of the messages that match a server-side subtree, one of
     * those {@link Planner#serverQueries} listed.
     */
    BitSet serverMatches(Criterion serverSubtree);

    /**
     * The unfolded, decoded values of each occurrence of {@code header} in message {@code index};
     * empty when the message has no such field; {@code null} when it was not fetched.
     */
    List<String> headerValues(int index, String header);

    /**
     * The outcomes of a regex criterion known without header values (from an earlier run): for
     * those messages {@link #headerValues} is not consulted and {@link Planner#headerNeed} asks for
     * no fields on that criterion's behalf. A known outcome must be what the values would give.
     */
    default RegexOutcomes knownOutcomes(Criterion.HeaderRegex regex) {
        return RegexOutcomes.none();
    }
}
