package org.mailtidy.imap;

import java.util.List;

/**
 * FLAGS, INTERNALDATE and RFC822.SIZE of every message as primitive arrays in ascending UID order;
 * each message points at one of the mailbox's few distinct flag sets.
 *
 * @param internalDates epoch milliseconds
 */
public record MessageTable(long[] uids, int[] flagSetIds, List<List<String>> flagSets,
                           long[] internalDates, long[] sizes) {
    public MessageTable {
        int n = uids.length;
        if (flagSetIds.length != n || internalDates.length != n || sizes.length != n) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        flagSets = List.copyOf(flagSets);
    }

    public int size() {
        return uids.length;
    }

    public List<String> flags(int index) {
        return flagSets.get(flagSetIds[index]);
    }

    /** The index of {@code uid}, or a negative number when it is absent. */
    public int indexOf(long uid) {
        return java.util.Arrays.binarySearch(uids, uid);
    }
}
