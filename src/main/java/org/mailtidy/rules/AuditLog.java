package org.mailtidy.rules;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The audit of a plan as an immutable list that stores one {@code long} per entry (the UID, an
 * unsigned 32-bit value, in the high half; the id of its distinct rule and action in the low half)
 * and makes each {@link AuditEntry} when asked: a run that changes a million messages keeps
 * megabytes, not tens of megabytes, of audit. Beside each entry it keeps the ids of the message's
 * flag sets before and after the entry's rule (for an undo), two {@code int}s per entry.
 */
final class AuditLog extends AbstractList<AuditEntry> implements RandomAccess {

    private final long[] entries;
    private final List<AuditEntry> kinds;
    private final int[] before;
    private final int[] after;
    private final List<Set<Flag>> flagSets;

    private AuditLog(long[] entries, List<AuditEntry> kinds, int[] before, int[] after, List<Set<Flag>> flagSets) {
        this.entries = entries;
        this.kinds = kinds;
        this.before = before;
        this.after = after;
        this.flagSets = flagSets;
    }

    /** The message's flags (as the rules saw them) before the entry's rule. */
    Set<Flag> flagsBefore(int index) {
        return flagSets.get(before[index]);
    }

    /** The message's flags after the entry's rule: what a copy or a moved message carries. */
    Set<Flag> flagsAfter(int index) {
        return flagSets.get(after[index]);
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
        private int[] before = new int[64];
        private int[] after = new int[64];
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

        /** {@code flagsBefore}, {@code flagsAfter}: ids in the plan's {@link FlagSetTable}. */
        void add(long uid, int kind, int flagsBefore, int flagsAfter) {
            if (discards) {
                return;
            }
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
                before = Arrays.copyOf(before, size * 2);
                after = Arrays.copyOf(after, size * 2);
            }
            before[size] = flagsBefore;
            after[size] = flagsAfter;
            entries[size++] = uid << 32 | kind;
        }

        AuditLog build(FlagSetTable table) {
            List<Set<Flag>> sets = new ArrayList<>(table.size());
            for (int id = 0; id < table.size(); id++) {
                sets.add(table.get(id));
            }
            return new AuditLog(Arrays.copyOf(entries, size), List.copyOf(kinds), Arrays.copyOf(before, size),
                    Arrays.copyOf(after, size), discards ? List.of() : sets);
        }
    }
}
