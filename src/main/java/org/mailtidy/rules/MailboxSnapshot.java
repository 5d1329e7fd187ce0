package org.mailtidy.rules;

import java.util.List;
import java.util.Set;

/**
 * What a run knows about a mailbox when it starts, as primitive arrays indexed by message
 * (ascending UID), so a million messages cost a few arrays, not a million objects.
 *
 * @param uids          ascending UIDs (unsigned 32-bit values in a long)
 * @param flagSetIds    per message, an index into {@code flagSets}
 * @param flagSets      the distinct flag sets of the mailbox ({@code \Recent} left out)
 * @param internalDates per message, INTERNALDATE as epoch milliseconds
 * @param sizes         per message, RFC822.SIZE in bytes
 */
public record MailboxSnapshot(long uidValidity, long[] uids, int[] flagSetIds, List<Set<Flag>> flagSets,
                              long[] internalDates, long[] sizes) {
    public MailboxSnapshot {
        int n = uids.length;
        if (flagSetIds.length != n || internalDates.length != n || sizes.length != n) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        flagSets = List.copyOf(flagSets);
    }

    public int size() {
        return uids.length;
    }

    public Set<Flag> flags(int index) {
        return flagSets.get(flagSetIds[index]);
    }
}
