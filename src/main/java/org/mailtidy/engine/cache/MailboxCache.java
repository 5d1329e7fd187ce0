package org.mailtidy.engine.cache;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.mailtidy.files.DurableFiles;

/**
 * What one mailbox looked like at the end of a run's observation, kept in the state directory so
 * the next run fetches only what changed (RFC 7162 CONDSTORE).
 *
 * @param server        {@code user@host:port} of the connection: an account whose settings now point
 *                      elsewhere must not reuse the cache, whatever its UIDVALIDITY
 * @param uidValidity   the UIDs below are valid only with this UIDVALIDITY
 * @param highestModSeq HIGHESTMODSEQ at SELECT, before the table was fetched: a change made later
 *                      (mailtidy's own stores too) has a higher mod-sequence and is fetched again
 * @param maxUid        the highest UID the table and the search results cover (0: none)
 * @param table         flags, INTERNALDATE and size of every message up to {@code maxUid}
 * @param searches      per immutable search program ({@link org.mailtidy.rules.SearchProgram#cacheKey()}),
 *                      the UIDs up to {@code maxUid} it matched, as ascending ranges (first, last pairs)
 * @param regexes       per regex criterion ({@link org.mailtidy.rules.Criterion.HeaderRegex#cacheKey()}),
 *                      the UIDs whose outcome an earlier run found and those of them that matched
 */
public record MailboxCache(String server, long uidValidity, long highestModSeq, long maxUid, TableColumns table,
                    Map<String, long[]> searches, Map<String, RegexAnswer> regexes) {

    private static final int MAGIC = 0x4d544331; // "MTC1"
    /** 2: regex outcomes added. */
    public static final int VERSION = 2;

    /**
     * A regex criterion's outcomes as ascending UID ranges (first, last pairs), like the search
     * answers: {@code matching} lies within {@code evaluated}.
     */
    public record RegexAnswer(long[] evaluated, long[] matching) {
    }

    /** Why a cache file was not used; the file is deleted by the caller. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** Writes to a temporary file in the same directory, then renames it over the old one. */
    public void write(Path file) throws IOException {
        DurableFiles.SYSTEM.directories(file.getParent());
        // owner-only: the cache lists the mailbox's flags and search answers; not synced (a lost cache costs a full run)
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                DurableFiles.fileMode());
        try {
            DurableFiles.ownerOnly(temp);
            try (OutputStream raw = Files.newOutputStream(temp)) {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        new CheckedOutputStream(raw, crc), 1 << 16));
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                writeBody(out);
                out.flush();
                new DataOutputStream(raw).writeLong(crc.getValue());
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void writeBody(DataOutputStream out) throws IOException {
        writeString(out, server);
        out.writeLong(uidValidity);
        out.writeLong(highestModSeq);
        out.writeLong(maxUid);
        out.writeInt(table.flagSetCount());
        for (List<String> set : table.flagSets()) {
            out.writeInt(set.size());
            for (String flag : set) {
                writeString(out, flag);
            }
        }
        int n = table.size();
        out.writeInt(n);
        // Column by column, so reading fills each array in one pass. UIDs and sizes are 32-bit unsigned.
        for (int i = 0; i < n; i++) {
            out.writeInt((int) table.uid(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeInt(table.flagSetIdAt(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeLong(table.internalDate(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeInt((int) Math.min(table.sizeAt(i), 0xFFFF_FFFFL));
        }
        out.writeInt(searches.size());
        for (Map.Entry<String, long[]> e : searches.entrySet()) {
            writeString(out, e.getKey());
            long[] ranges = e.getValue();
            out.writeInt(ranges.length / 2);
            for (long uid : ranges) {
                out.writeInt((int) uid);
            }
        }
        out.writeInt(regexes.size());
        for (Map.Entry<String, RegexAnswer> e : regexes.entrySet()) {
            writeString(out, e.getKey());
            writeRanges(out, e.getValue().evaluated());
            writeRanges(out, e.getValue().matching());
        }
    }

    /**
     * Ranges as variable-length gaps and lengths: the messages a regex saw are scattered (those its
     * rule's other criteria left), so most ranges are single UIDs a few apart, two or three bytes.
     */
    private static void writeRanges(DataOutputStream out, long[] ranges) throws IOException {
        out.writeInt(ranges.length / 2);
        long last = 0;
        for (int r = 0; r + 1 < ranges.length; r += 2) {
            writeVarLong(out, ranges[r] - last);
            writeVarLong(out, ranges[r + 1] - ranges[r]);
            last = ranges[r + 1];
        }
    }

    private static long[] readRanges(DataInputStream in, long fileLength, long maxUid) throws IOException, Unreadable {
        long[] ranges = new long[2 * count(in.readInt(), fileLength, 2)];
        long last = 0;
        for (int r = 0; r < ranges.length; r += 2) {
            long gap = readVarLong(in);
            long length = readVarLong(in);
            // Every range starts after the previous one's end; UID 0 does not exist.
            if (gap < 1) {
                throw new Unreadable("regex ranges out of order");
            }
            // Compared one by one, as the sum of two corrupt numbers may overflow.
            if (gap > maxUid || length > maxUid || last + gap + length > maxUid) {
                throw new Unreadable("regex ranges above the covered UIDs");
            }
            ranges[r] = last + gap;
            ranges[r + 1] = ranges[r] + length;
            last = ranges[r + 1];
        }
        return ranges;
    }

    /** Whether every range of {@code inner} lies inside one range of {@code outer}; both ascending. */
    public static boolean within(long[] inner, long[] outer) {
        int o = 0;
        for (int i = 0; i < inner.length; i += 2) {
            while (o < outer.length && outer[o + 1] < inner[i]) {
                o += 2;
            }
            if (o == outer.length || outer[o] > inner[i] || outer[o + 1] < inner[i + 1]) {
                return false;
            }
        }
        return true;
    }

    /** Unsigned LEB128: seven bits a byte, low bits first. */
    private static void writeVarLong(DataOutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInputStream in) throws IOException, Unreadable {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new Unreadable("number too long");
    }

    /**
     * Reads a cache file; the table's arrays get room for {@code capacity} messages, so that new mail
     * can be appended without a copy.
     *
     * @throws Unreadable if the file is not a complete cache file of this version
     */
    public static MailboxCache read(Path file, int capacity) throws IOException, Unreadable {
        long length = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            if (length < 16 || in.readInt() != MAGIC) {
                throw new Unreadable("not a mailtidy cache file");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new Unreadable("cache format version " + version + ", this mailtidy reads " + VERSION);
            }
            MailboxCache cache = readBody(in, length, capacity);
            long computed = crc.getValue();
            // The checksum itself is read past the CheckedInputStream, which has no buffer of its own.
            if (new DataInputStream(raw).readLong() != computed || raw.read() != -1) {
                throw new Unreadable("checksum mismatch");
            }
            return cache;
        } catch (EOFException e) {
            throw new Unreadable("truncated");
        }
    }

    private static MailboxCache readBody(DataInputStream in, long length, int capacity)
            throws IOException, Unreadable {
        String server = readString(in, length);
        long uidValidity = in.readLong();
        long highestModSeq = in.readLong();
        long maxUid = in.readLong();
        int setCount = count(in.readInt(), length, 4);
        List<List<String>> sets = new ArrayList<>(setCount);
        for (int s = 0; s < setCount; s++) {
            int flags = count(in.readInt(), length, 4);
            List<String> set = new ArrayList<>(flags);
            for (int f = 0; f < flags; f++) {
                set.add(readString(in, length));
            }
            sets.add(set);
        }
        int n = count(in.readInt(), length, 20);
        // Read straight into the table's arrays: a second set of arrays would double the heap at a million messages.
        int room = Math.max(n, capacity);
        long[] uids = new long[room];
        for (int i = 0; i < n; i++) {
            uids[i] = Integer.toUnsignedLong(in.readInt());
        }
        int[] ids = new int[room];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readInt();
        }
        long[] dates = new long[room];
        for (int i = 0; i < n; i++) {
            dates[i] = in.readLong();
        }
        long[] sizes = new long[room];
        for (int i = 0; i < n; i++) {
            sizes[i] = Integer.toUnsignedLong(in.readInt());
        }
        TableColumns table;
        try {
            table = TableColumns.of(uids, ids, dates, sizes, n, sets);
        } catch (IllegalArgumentException e) {
            throw new Unreadable(e.getMessage());
        }
        if (table.maxUid() > maxUid) {
            throw new Unreadable("a UID above the covered range");
        }
        int searchCount = count(in.readInt(), length, 8);
        Map<String, long[]> searches = new LinkedHashMap<>();
        for (int s = 0; s < searchCount; s++) {
            String key = readString(in, length);
            long[] ranges = new long[2 * count(in.readInt(), length, 8)];
            for (int i = 0; i < ranges.length; i++) {
                ranges[i] = Integer.toUnsignedLong(in.readInt());
                if (i > 0 && ranges[i] < ranges[i - 1] + (i % 2 == 0 ? 1 : 0)) {
                    throw new Unreadable("search ranges out of order");
                }
            }
            searches.put(key, ranges);
        }
        int regexCount = count(in.readInt(), length, 12);
        Map<String, RegexAnswer> regexes = new LinkedHashMap<>();
        for (int r = 0; r < regexCount; r++) {
            String key = readString(in, length);
            long[] evaluated = readRanges(in, length, maxUid);
            long[] matching = readRanges(in, length, maxUid);
            if (!within(matching, evaluated)) {
                throw new Unreadable("a regex match outside the evaluated UIDs");
            }
            regexes.put(key, new RegexAnswer(evaluated, matching));
        }
        return new MailboxCache(server, uidValidity, highestModSeq, maxUid, table, searches, regexes);
    }

    /** A count read from the file, checked against the file's length before anything is allocated. */
    private static int count(int n, long fileLength, int bytesEach) throws Unreadable {
        if (n < 0 || (long) n * bytesEach > fileLength) {
            throw new Unreadable("impossible count " + n);
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in, long fileLength) throws IOException, Unreadable {
        byte[] bytes = new byte[count(in.readInt(), fileLength, 1)];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
