package org.mailtidy.mail;

import java.util.Arrays;
import java.util.List;

/**
 * The flags of some messages as primitive arrays in one order: per message its UID and an index
 * into a short list of the distinct flag sets, so a million messages cost two arrays, not a million
 * objects. {@code F} is how a flag set is spelled: the server's names in {@code imap}, parsed flags
 * in {@code rules}.
 *
 * <p>Open for extension only so that {@code imap} and {@code rules} can name their own kind of
 * columns without a translation between them; a subclass adds columns, never mutable state. The
 * arrays are handed out, not copied, because the planner reads them a million times a run: callers
 * must not write to them.
 *
 * @param <F> a flag set
 */
public class FlagColumns<F> {
    private final long[] uids;
    private final int[] flagSetIds;
    private final List<F> flagSets;

    public FlagColumns(long[] uids, int[] flagSetIds, List<F> flagSets) {
        if (flagSetIds.length != uids.length) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        this.uids = uids;
        this.flagSetIds = flagSetIds;
        this.flagSets = List.copyOf(flagSets);
    }

    /** The UIDs (unsigned 32-bit values in a long), shared, not copied. */
    public final long[] uids() {
        return uids;
    }

    /** Per message, an index into {@link #flagSets()}; shared, not copied. */
    public final int[] flagSetIds() {
        return flagSetIds;
    }

    /** The distinct flag sets. */
    public final List<F> flagSets() {
        return flagSets;
    }

    public final int size() {
        return uids.length;
    }

    public final F flags(int index) {
        return flagSets.get(flagSetIds[index]);
    }

    /** The index of {@code uid} when the UIDs ascend, or a negative number when it is absent. */
    public final int indexOf(long uid) {
        return Arrays.binarySearch(uids, uid);
    }
}
