package org.mailtidy.rules;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The audit of a plan as an immutable list that stores one {@code long} per entry (the UID, an
 * unsigned 32-bit value, in the high half; the id of its distinct rule and action in the low half)
 * and makes each {@link AuditEntry} when asked: a run that changes a million messages keeps
 * megabytes, not tens of megabytes, of audit.
 */
final class AuditLog extends AbstractList<AuditEntry> implements RandomAccess {

    private final long[] entries;
    private final List<AuditEntry> kinds;

    private AuditLog(long[] entries, List<AuditEntry> kinds) {
        this.entries = entries;
        this.kinds = kinds;
    }

    @Override
    public AuditEntry get(int index) {
        long e = entries[index];
        AuditEntry kind = kinds.get((int) e);
        return new AuditEntry(e >>> 32, kind.rule(), kind.action());
    }

    @Override
    public int size() {
        return entries.length;
    }

    static final class Builder {
        private long[] entries = new long[64];
        private int size;
        private boolean discards;
        private final List<AuditEntry> kinds = new ArrayList<>();
        private final Map<AuditEntry, Integer> kindIds = new HashMap<>();

        /** The id of a (rule, action) pair, to pass to {@link #add}. */
        int kind(String rule, String action) {
            return kindIds.computeIfAbsent(new AuditEntry(0, rule, action), k -> {
                kinds.add(k);
                return kinds.size() - 1;
            });
        }

        /** A builder that hands out kinds but keeps no entry: its log is empty. */
        static Builder discarding() {
            Builder b = new Builder();
            b.entries = new long[0];
            b.discards = true;
            return b;
        }

        void add(long uid, int kind) {
            if (discards) {
                return;
            }
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
            }
            entries[size++] = uid << 32 | kind;
        }

        AuditLog build() {
            return new AuditLog(Arrays.copyOf(entries, size), List.copyOf(kinds));
        }
    }
}
