package org.mailtidy.engine.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.imap.FlagUpdates;
import org.mailtidy.imap.MessageTable;

/**
 * A message table as growable primitive columns in ascending UID order, so that a cached table is
 * brought up to date in place: at a million messages a second copy of the arrays would not fit in
 * the heap next to the first (docs/performance.md).
 */
public final class TableColumns {
    private long[] uids;
    private int[] flagSetIds;
    private long[] dates;
    private long[] sizes;
    private int count;
    private final List<List<String>> flagSets = new ArrayList<>();
    private final Map<List<String>, Integer> flagSetIndex = new HashMap<>();

    TableColumns(int capacity) {
        uids = new long[capacity];
        flagSetIds = new int[capacity];
        dates = new long[capacity];
        sizes = new long[capacity];
    }

    /** The table's arrays themselves, not a copy: the caller must not use the table afterwards. */
    public static TableColumns wrap(MessageTable table) {
        TableColumns c = new TableColumns(0);
        c.uids = table.uids();
        c.flagSetIds = table.flagSetIds();
        c.dates = table.internalDates();
        c.sizes = table.sizes();
        c.count = table.size();
        table.flagSets().forEach(c::flagSetId);
        return c;
    }

    /**
     * A table over arrays filled by the caller (a cache file read column by column), with room to
     * spare beyond {@code count}; checked as {@link #add} would check each message.
     *
     * @throws IllegalArgumentException if the UIDs do not ascend or a flag set id is out of range
     */
    static TableColumns of(long[] uids, int[] flagSetIds, long[] dates, long[] sizes, int count,
                           List<List<String>> flagSets) {
        TableColumns c = new TableColumns(0);
        flagSets.forEach(c::flagSetId);
        if (c.flagSets.size() != flagSets.size()) {
            throw new IllegalArgumentException("a flag set is listed twice");
        }
        for (int i = 0; i < count; i++) {
            if (i > 0 && uids[i] <= uids[i - 1]) {
                throw new IllegalArgumentException("UID " + uids[i] + " after " + uids[i - 1]);
            }
            if (flagSetIds[i] < 0 || flagSetIds[i] >= flagSets.size()) {
                throw new IllegalArgumentException("no flag set " + flagSetIds[i]);
            }
        }
        c.uids = uids;
        c.flagSetIds = flagSetIds;
        c.dates = dates;
        c.sizes = sizes;
        c.count = count;
        return c;
    }

    long uid(int i) {
        return uids[i];
    }

    int flagSetIdAt(int i) {
        return flagSetIds[i];
    }

    long internalDate(int i) {
        return dates[i];
    }

    long sizeAt(int i) {
        return sizes[i];
    }

    List<List<String>> flagSets() {
        return List.copyOf(flagSets);
    }

    public int size() {
        return count;
    }

    /** The highest UID, or 0 when empty. */
    long maxUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    /** The id of a flag set, added when new. */
    int flagSetId(List<String> flags) {
        return flagSetIndex.computeIfAbsent(List.copyOf(flags), f -> {
            flagSets.add(f);
            return flagSets.size() - 1;
        });
    }

    int flagSetCount() {
        return flagSets.size();
    }

    /** Appends a message; UIDs must ascend. */
    void add(long uid, int flagSetId, long internalDate, long size) {
        if (count > 0 && uid <= uids[count - 1]) {
            throw new IllegalArgumentException("UID " + uid + " after " + uids[count - 1]);
        }
        if (flagSetId < 0 || flagSetId >= flagSets.size()) {
            throw new IllegalArgumentException("no flag set " + flagSetId);
        }
        if (count == uids.length) {
            grow(Math.max(16, count + count / 2));
        }
        uids[count] = uid;
        flagSetIds[count] = flagSetId;
        dates[count] = internalDate;
        sizes[count] = size;
        count++;
    }

    /**
     * Keeps the messages whose UIDs lie in {@code ranges} (pairs first, last; ascending): the
     * messages that still exist. Returns false, leaving the table unusable, when a range names a
     * UID the table lacks: UIDs only grow, so a table that covered these UIDs must know every one
     * that exists; if it does not, it was not this mailbox's.
     */
    public boolean retainOnly(long[] ranges) {
        int kept = 0;
        int i = 0;
        for (int r = 0; r + 1 < ranges.length; r += 2) {
            long first = ranges[r];
            long last = ranges[r + 1];
            while (i < count && uids[i] < first) {
                i++;
            }
            int start = i;
            while (i < count && uids[i] <= last) {
                i++;
            }
            if (i - start != last - first + 1) {
                return false;
            }
            if (kept != start) {
                System.arraycopy(uids, start, uids, kept, i - start);
                System.arraycopy(flagSetIds, start, flagSetIds, kept, i - start);
                System.arraycopy(dates, start, dates, kept, i - start);
                System.arraycopy(sizes, start, sizes, kept, i - start);
            }
            kept += i - start;
        }
        count = kept;
        return true;
    }

    /**
     * Removes the messages whose UIDs lie in {@code ranges} (pairs first, last; ascending): the
     * messages expunged. UIDs in the ranges that the table does not hold are ignored (a QRESYNC
     * server may name long-gone messages again).
     *
     * @return how many messages were removed
     */
    public int removeAll(long[] ranges) {
        int kept = 0;
        int r = 0;
        for (int i = 0; i < count; i++) {
            while (r + 1 < ranges.length && ranges[r + 1] < uids[i]) {
                r += 2;
            }
            boolean gone = r + 1 < ranges.length && ranges[r] <= uids[i];
            if (!gone) {
                if (kept != i) {
                    uids[kept] = uids[i];
                    flagSetIds[kept] = flagSetIds[i];
                    dates[kept] = dates[i];
                    sizes[kept] = sizes[i];
                }
                kept++;
            }
        }
        int removed = count - kept;
        count = kept;
        return removed;
    }

    /** Sets the flags of messages the table holds; false when a UID is unknown to it. */
    public boolean updateFlags(FlagUpdates updates) {
        int[] ids = new int[updates.flagSets().size()];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = flagSetId(updates.flagSets().get(s));
        }
        boolean allKnown = true;
        for (int m = 0; m < updates.size(); m++) {
            int i = Arrays.binarySearch(uids, 0, count, updates.uids()[m]);
            if (i < 0) {
                allKnown = false;
            } else {
                flagSetIds[i] = ids[updates.flagSetIds()[m]];
            }
        }
        return allKnown;
    }

    /** Appends the messages of {@code table} above {@link #maxUid()} (new mail). */
    public void append(MessageTable table) {
        int[] ids = new int[table.flagSets().size()];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = flagSetId(table.flagSets().get(s));
        }
        if (count + table.size() > uids.length) {
            grow(count + table.size());
        }
        for (int m = 0; m < table.size(); m++) {
            if (table.uids()[m] > maxUid()) {
                add(table.uids()[m], ids[table.flagSetIds()[m]], table.internalDates()[m], table.sizes()[m]);
            }
        }
    }

    /**
     * The table, with flag sets no message uses any more left out; the arrays are handed over
     * without a copy when they are exactly full.
     */
    public MessageTable toTable() {
        int[] newId = new int[flagSets.size()];
        Arrays.fill(newId, -1);
        List<List<String>> used = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int id = flagSetIds[i];
            if (newId[id] < 0) {
                newId[id] = used.size();
                used.add(flagSets.get(id));
            }
            flagSetIds[i] = newId[id];
        }
        flagSets.clear();
        flagSetIndex.clear();
        used.forEach(this::flagSetId);
        if (count != uids.length) {
            grow(count);
        }
        return new MessageTable(uids, flagSetIds, used, dates, sizes);
    }

    private void grow(int capacity) {
        uids = Arrays.copyOf(uids, capacity);
        flagSetIds = Arrays.copyOf(flagSetIds, capacity);
        dates = Arrays.copyOf(dates, capacity);
        sizes = Arrays.copyOf(sizes, capacity);
    }
}
