package org.mailtidy.imap;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a {@code UID COPY} put the messages, from the {@code COPYUID} response code (RFC 4315
 * section 3): {@code target[i]} in the destination (UIDVALIDITY {@code uidValidity}) is the copy of
 * {@code source[i]}. Empty when the server has no UIDPLUS.
 */
public record CopiedUids(long uidValidity, long[] source, long[] target) {

    public static final CopiedUids NONE = new CopiedUids(0, new long[0], new long[0]);

    public CopiedUids {
        if (source.length != target.length) {
            throw new IllegalArgumentException("COPYUID names " + source.length + " source and " + target.length
                    + " destination UIDs");
        }
    }

    public boolean isEmpty() {
        return source.length == 0;
    }

    /** Source UID to the UID of its copy. */
    public Map<Long, Long> targetBySource() {
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < source.length; i++) {
            out.put(source[i], target[i]);
        }
        return out;
    }

    public CopiedUids plus(CopiedUids more) {
        if (isEmpty()) {
            return more;
        }
        if (more.isEmpty()) {
            return this;
        }
        long[] s = java.util.Arrays.copyOf(source, source.length + more.source.length);
        long[] t = java.util.Arrays.copyOf(target, target.length + more.target.length);
        System.arraycopy(more.source, 0, s, source.length, more.source.length);
        System.arraycopy(more.target, 0, t, target.length, more.target.length);
        return new CopiedUids(uidValidity, s, t);
    }
}
