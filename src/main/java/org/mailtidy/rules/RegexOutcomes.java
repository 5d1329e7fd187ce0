package org.mailtidy.rules;

import java.util.BitSet;

/**
 * What is known of a regex criterion's outcome without its header values: the messages (snapshot
 * indexes) whose outcome is known, and those of them that match. A message's header never changes,
 * so the engine may carry these from an earlier run (the mailbox cache); conditions then neither need the
 * fields of those messages nor run the regex on them.
 *
 * @param known    the messages whose outcome is known
 * @param matching the messages of {@code known} that match
 */
public record RegexOutcomes(BitSet known, BitSet matching) {

    /** Nothing known: every message needs its fields. */
    public static RegexOutcomes none() {
        return new RegexOutcomes(new BitSet(), new BitSet());
    }
}
