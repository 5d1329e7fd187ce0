package org.mailtidy.engine.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.files.DurableFiles;
import org.mailtidy.mail.UidSet;

/**
 * The pending-copy journal of one mailbox: the copies a batch is about to send, so that a copy a
 * broken connection prevented (or left in doubt) is made by the next run even when the flags the
 * batch stored before it keep the rule from matching again. Written before the batch, updated
 * around each {@code UID COPY}, deleted when the batch is through. Every write goes to a temporary
 * file that is forced to disk and renamed over the journal, so a crash leaves the old or the new
 * journal, never a torn one.
 */
public final class CopyJournal {
    private static final int MAGIC = 0x4d544a31; // "MTJ1"

    /** UIDs of one copy that must carry the same flags. */
    public record Group(List<String> flags, UidSet uids) {
        public Group {
            flags = List.copyOf(flags);
        }
    }

    /**
     * One copy operation.
     *
     * @param uidNext the destination's UIDNEXT just before the COPY was sent; -1 while it was not
     *                sent, so only copies with a UIDNEXT can already be in the destination
     * @param done    the server answered OK
     */
    public record Copy(String mailbox, String rule, List<Group> groups, long uidNext, boolean done) {
        public Copy {
            groups = List.copyOf(groups);
        }

        public long[] uids() {
            return UidSet.of(groups.stream().flatMapToLong(g -> g.uids().stream())).toArray();
        }

        public boolean inDoubt() {
            return !done && uidNext > 0;
        }

        /** The same copy for only these UIDs (groups that lose all their UIDs are dropped). */
        public Copy keeping(Set<Long> kept) {
            List<Group> out = new ArrayList<>();
            for (Group g : groups) {
                UidSet u = UidSet.of(g.uids().stream().filter(kept::contains));
                if (!u.isEmpty()) {
                    out.add(new Group(g.flags(), u));
                }
            }
            return new Copy(mailbox, rule, out, uidNext, done);
        }

        public Copy sent(long destinationUidNext) {
            return new Copy(mailbox, rule, groups, destinationUidNext, false);
        }

        public Copy acknowledged() {
            return new Copy(mailbox, rule, groups, uidNext, true);
        }
    }

    /** The journal's content: the copies of one batch, for one UIDVALIDITY of the mailbox. */
    public record Entries(long uidValidity, List<Copy> copies) {
        public Entries {
            copies = List.copyOf(copies);
        }

        public Entries with(int index, Copy copy) {
            List<Copy> out = new ArrayList<>(copies);
            out.set(index, copy);
            return new Entries(uidValidity, out);
        }
    }

    private final Path file;

    public CopyJournal(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The journal left by an earlier run; empty if there is none. */
    public Optional<Entries> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Optional.of(decode(in));
        } catch (EOFException e) {
            throw new IOException("the copy journal " + file + " is truncated", e);
        }
    }

    /** Replaces the journal with {@code entries}, durably (file, then directory); the file is 0600. */
    public void write(Entries entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            encode(entries, out);
        }
        DurableFiles.SYSTEM.replace(file, bytes.toByteArray());
    }

    public void delete() throws IOException {
        if (Files.deleteIfExists(file)) {
            DurableFiles.SYSTEM.forceDirectory(file.getParent());
        }
    }

    private static void encode(Entries entries, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(entries.uidValidity());
        out.writeInt(entries.copies().size());
        for (Copy c : entries.copies()) {
            out.writeUTF(c.mailbox());
            out.writeUTF(c.rule());
            out.writeLong(c.uidNext());
            out.writeBoolean(c.done());
            out.writeInt(c.groups().size());
            for (Group g : c.groups()) {
                out.writeInt(g.flags().size());
                for (String f : g.flags()) {
                    out.writeUTF(f);
                }
                writeRanges(g.uids().toArray(), out);
            }
        }
    }

    private Entries decode(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException(file + " is not a mailtidy copy journal");
        }
        long uidValidity = in.readLong();
        int copies = in.readInt();
        List<Copy> list = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            String mailbox = in.readUTF();
            String rule = in.readUTF();
            long uidNext = in.readLong();
            boolean done = in.readBoolean();
            int groups = in.readInt();
            List<Group> gs = new ArrayList<>();
            for (int j = 0; j < groups; j++) {
                int n = in.readInt();
                List<String> flags = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    flags.add(in.readUTF());
                }
                gs.add(new Group(flags, UidSet.of(readRanges(in))));
            }
            list.add(new Copy(mailbox, rule, gs, uidNext, done));
        }
        return new Entries(uidValidity, list);
    }

    /** Ascending UIDs as runs (first, last): a copy of a million consecutive UIDs takes 20 bytes. */
    private static void writeRanges(long[] uids, DataOutputStream out) throws IOException {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < uids.length; ) {
            int j = i;
            while (j + 1 < uids.length && uids[j + 1] == uids[j] + 1) {
                j++;
            }
            runs.add(new long[] {uids[i], uids[j]});
            i = j + 1;
        }
        out.writeInt(runs.size());
        for (long[] r : runs) {
            out.writeLong(r[0]);
            out.writeLong(r[1]);
        }
    }

    private static long[] readRanges(DataInputStream in) throws IOException {
        int runs = in.readInt();
        LongStream.Builder out = LongStream.builder();
        for (int i = 0; i < runs; i++) {
            long first = in.readLong();
            long last = in.readLong();
            if (last < first || last - first > Integer.MAX_VALUE) {
                throw new IOException("bad UID range " + first + ":" + last + " in a copy journal");
            }
            for (long u = first; u <= last; u++) {
                out.add(u);
            }
        }
        return out.build().toArray();
    }
}
