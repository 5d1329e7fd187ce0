package org.mailtidy.rules;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What compiled conditions are evaluated against: the snapshot's dates and sizes, each message's
 * flags as a flag set id, the server's answers and the fetched header values. For the three-valued
 * evaluation of {@link HeaderNeedAnalysis} it also knows which flags earlier rules may have changed.
 */
final class Facts {

    final long[] internalDates;
    final long[] sizes;
    final long nowMillis;
    final FlagSetTable table;
    /** Per message, the id of the flags that conditions see. */
    final int[] flagSetIds;
    private final Evidence evidence;
    private final Map<Criterion, BitSet> serverAnswers = new HashMap<>();
    private final Map<Criterion.HeaderRegex, RegexOutcomes> knownOutcomes = new HashMap<>();
    private final Map<Flag, BitSet> possiblyChanged = new HashMap<>();
    private final BitSet possiblyReplaced = new BitSet();

    Facts(MailboxSnapshot snapshot, long nowMillis, FlagSetTable table, int[] flagSetIds, Evidence evidence) {
        this.internalDates = snapshot.internalDates();
        this.sizes = snapshot.sizes();
        this.nowMillis = nowMillis;
        this.table = table;
        this.flagSetIds = flagSetIds;
        this.evidence = evidence;
    }

    /** The messages in {@code mask} that match a server-side subtree; a new set the caller owns. */
    BitSet serverMatches(Criterion subtree, BitSet mask) {
        BitSet answer = serverAnswers.computeIfAbsent(subtree, q -> {
            BitSet given = evidence.serverMatches(q);
            if (given == null) {
                throw new IllegalStateException("no server answer for " + q);
            }
            return (BitSet) given.clone();
        });
        BitSet out = (BitSet) answer.clone();
        out.and(mask);
        return out;
    }

    /** Values of a header, {@code null} when not fetched. */
    List<String> headerValues(int message, String header) {
        return evidence.headerValues(message, header);
    }

    /** The outcomes of a regex criterion the evidence knows without header values. */
    RegexOutcomes knownOutcomes(Criterion.HeaderRegex regex) {
        return knownOutcomes.computeIfAbsent(regex, r -> {
            RegexOutcomes given = evidence.knownOutcomes(r);
            return given == null ? RegexOutcomes.none() : given;
        });
    }

    /** Records that an earlier rule may have changed {@code flag} of these messages. */
    void mayHaveChanged(Flag flag, BitSet messages) {
        possiblyChanged.computeIfAbsent(flag, f -> new BitSet()).or(messages);
    }

    /** Records that an earlier rule may have replaced every flag of these messages. */
    void mayHaveReplaced(BitSet messages) {
        possiblyReplaced.or(messages);
    }

    /** The messages in {@code mask} whose {@code flag} may differ from the snapshot's. */
    BitSet flagUnknown(Flag flag, BitSet mask) {
        BitSet out = (BitSet) possiblyReplaced.clone();
        BitSet changed = possiblyChanged.get(flag);
        if (changed != null) {
            out.or(changed);
        }
        out.and(mask);
        return out;
    }
}
