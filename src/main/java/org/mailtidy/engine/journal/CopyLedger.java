package org.mailtidy.engine.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.PriorCopies;

/**
 * The copies that copying rules made from one mailbox, so that a rule copies a message once (the
 * contract's "Meaning of a run"): per rule and destination, the UIDs copied, for one UIDVALIDITY.
 * Records of another UIDVALIDITY name other messages and are dropped; UIDs that no longer exist are
 * pruned by every full run. UIDs are stored as delta-encoded runs (varints), so a receipts rule
 * that copied a few hundred scattered messages takes about a kilobyte.
 *
 * <p>Every update re-reads the file under a lock and merges into it, so two runs of one mailbox (a
 * scheduled and an arrival run) keep each other's records. It is written to a temporary file that is
 * forced to disk and renamed over the old one: a crash leaves the old or the new record, never a torn one.
 */
public final class CopyLedger {
    private static final int MAGIC = 0x4d544331; // "MTC1"
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    /** One copying rule and its destination: a rule pointed at a new destination copies there afresh. */
    record Key(String rule, String mailbox) {
    }

    /** Copies made. */
    public record Made(String rule, String mailbox, UidSet uids) {
    }

    /** What the ledger holds for one UIDVALIDITY; empty for a mailbox nothing was copied from. */
    public record Records(long uidValidity, Map<Key, UidSet> copied) implements PriorCopies {
        public Records {
            copied = Map.copyOf(copied);
        }

        @Override
        public UidSet uids(String rule, String mailbox) {
            return copied.getOrDefault(new Key(rule, mailbox), UidSet.EMPTY);
        }

        /** These records with {@code more} added. */
        public Records with(List<Made> more) {
            if (more.isEmpty()) {
                return this;
            }
            Map<Key, UidSet> out = new LinkedHashMap<>(copied);
            for (Made m : more) {
                out.merge(new Key(m.rule(), m.mailbox()), m.uids(), CopyLedger::union);
            }
            return new Records(uidValidity, out);
        }

        /** Without the UIDs below {@code seenBelow} that are not in {@code present} (ascending): mail that vanished. */
        Records pruned(long[] present, long seenBelow) {
            Map<Key, UidSet> out = new LinkedHashMap<>();
            copied.forEach((k, uids) -> {
                UidSet kept = UidSet.of(uids.stream()
                        .filter(u -> u >= seenBelow || Arrays.binarySearch(present, u) >= 0));
                if (!kept.isEmpty()) {
                    out.put(k, kept);
                }
            });
            return new Records(uidValidity, out);
        }

        int size() {
            return copied.values().stream().mapToInt(UidSet::size).sum();
        }
    }

    private final Path file;

    public CopyLedger(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * The copies recorded for this UIDVALIDITY; empty if there are none, or only for another one.
     *
     * @throws IOException if the file cannot be read or is damaged
     */
    public Records read(long uidValidity) throws IOException {
        synchronized (lock()) {
            Records r = readFile();
            return r != null && r.uidValidity() == uidValidity ? r : empty(uidValidity);
        }
    }

    /** What the file holds, whatever its UIDVALIDITY; empty if there is no file. */
    public Optional<Records> stored() throws IOException {
        synchronized (lock()) {
            return Optional.ofNullable(readFile());
        }
    }

    /**
     * Adds {@code made} to the records of {@code uidValidity} (dropping those of another one) and, if
     * {@code present} is given (a full run's snapshot), prunes the UIDs below {@code seenBelow} that
     * it lacks. Writes only if that changes anything; an empty result deletes the file.
     */
    /**
     * Forgets that {@code rule} copied these UIDs to {@code destination} (an undo removed the
     * copies), so the rule copies them again if they still match. Nothing happens for another
     * UIDVALIDITY or when nothing is recorded.
     */
    public void forget(long uidValidity, String rule, String destination, long[] uids) throws IOException {
        synchronized (lock()) {
            Records stored = readFile();
            if (stored == null || stored.uidValidity() != uidValidity) {
                return;
            }
            Key key = new Key(rule, destination);
            UidSet was = stored.copied().get(key);
            if (was == null) {
                return;
            }
            UidSet gone = UidSet.of(uids);
            UidSet kept = UidSet.of(was.stream().filter(u -> !gone.contains(u)));
            Map<Key, UidSet> out = new LinkedHashMap<>(stored.copied());
            if (kept.isEmpty()) {
                out.remove(key);
            } else {
                out.put(key, kept);
            }
            write(new Records(uidValidity, out));
        }
    }

    public void update(long uidValidity, List<Made> made, long[] present, long seenBelow) throws IOException {
        synchronized (lock()) {
            Records stored;
            try {
                stored = readFile();
            } catch (IOException damaged) {
                stored = null;   // read() refused it before this run planned; rewriting it is the way out
            }
            Records base = stored != null && stored.uidValidity() == uidValidity ? stored : empty(uidValidity);
            Records next = base.with(made);
            if (present != null) {
                next = next.pruned(present, seenBelow);
            }
            if (next.equals(stored)) {
                return;
            }
            if (next.copied().isEmpty()) {
                if (Files.deleteIfExists(file)) {
                    forceDirectory(file.getParent());
                }
                return;
            }
            write(next);
        }
    }

    private Object lock() {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new Object());
    }

    private static Records empty(long uidValidity) {
        return new Records(uidValidity, Map.of());
    }

    private Records readFile() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a mailtidy copy record");
            }
            long uidValidity = in.readLong();
            int keys = readCount(in);
            Map<Key, UidSet> copied = new LinkedHashMap<>();
            for (int i = 0; i < keys; i++) {
                Key key = new Key(in.readUTF(), in.readUTF());
                copied.put(key, UidSet.of(readRuns(in)));
            }
            return new Records(uidValidity, copied);
        } catch (EOFException e) {
            throw new IOException("the copy record " + file + " is truncated", e);
        }
    }

    private void write(Records records) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(records.uidValidity());
            writeVarint(records.copied().size(), out);
            for (Map.Entry<Key, UidSet> e : records.copied().entrySet()) {
                out.writeUTF(e.getKey().rule());
                out.writeUTF(e.getKey().mailbox());
                writeRuns(e.getValue().toArray(), out);
            }
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    // The rename is only durable once the directory entry is on disk (Linux; elsewhere best effort).
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the file itself was forced.
        }
    }

    /** Ascending UIDs as runs: the gap from the previous run's end, then the run's length less one. */
    private static void writeRuns(long[] uids, DataOutputStream out) throws IOException {
        int runs = 0;
        for (int i = 0; i < uids.length; i++) {
            if (i == 0 || uids[i] != uids[i - 1] + 1) {
                runs++;
            }
        }
        writeVarint(runs, out);
        long previousEnd = 0;
        for (int i = 0; i < uids.length; ) {
            int j = i;
            while (j + 1 < uids.length && uids[j + 1] == uids[j] + 1) {
                j++;
            }
            writeVarint(uids[i] - previousEnd, out);
            writeVarint(uids[j] - uids[i], out);
            previousEnd = uids[j];
            i = j + 1;
        }
    }

    private long[] readRuns(DataInputStream in) throws IOException {
        int runs = readCount(in);
        LongStream.Builder out = LongStream.builder();
        long previousEnd = 0;
        for (int i = 0; i < runs; i++) {
            long first = previousEnd + readVarint(in);
            long length = readVarint(in);
            if (first <= previousEnd || length > Integer.MAX_VALUE || first + length > 0xFFFFFFFFL) {
                throw new IOException("bad UID run in the copy record " + file);
            }
            for (long u = first; u <= first + length; u++) {
                out.add(u);
            }
            previousEnd = first + length;
        }
        return out.build().toArray();
    }

    private int readCount(DataInputStream in) throws IOException {
        long n = readVarint(in);
        if (n > Integer.MAX_VALUE) {
            throw new IOException("bad count in the copy record " + file);
        }
        return (int) n;
    }

    private static void writeVarint(long value, DataOutputStream out) throws IOException {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarint(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("bad number in a copy record");
    }

    private static UidSet union(UidSet a, UidSet b) {
        return UidSet.of(LongStream.concat(a.stream(), b.stream()));
    }
}
