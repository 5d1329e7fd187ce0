package org.mailtidy.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes files that hold mail, tokens or state: created owner-only (files 0600, directories 0700)
 * whatever the umask, and forced to disk (the file, then after a rename or a creation its
 * directory) before the caller goes on to do what depends on them, e.g. expunge the originals.
 * Existing directories keep their mode: an administrator may have chosen it.
 */
public final class DurableFiles {
    /** The real disk. */
    public static final DurableFiles SYSTEM = new DurableFiles(new Disk() {
    });

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    /** The seam to the disk's sync calls, so tests can count and order them. */
    public interface Disk {
        default void force(FileChannel channel, Path file) throws IOException {
            channel.force(true);
        }

        /** Syncs a directory's entries (Linux; a platform that cannot open a directory skips it). */
        default void forceDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                if (Files.isDirectory(dir) && !POSIX) {
                    return;
                }
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }

    private final Disk disk;

    public DurableFiles(Disk disk) {
        this.disk = disk;
    }

    /**
     * Creates {@code dir} and its missing parents mode 0700; the parent of each directory created is
     * synced, so the new entries survive a power failure.
     */
    public Path directories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, directoryMode());
                ownerOnly(p, DIRECTORY_MODE);
                if (p.getParent() != null) {
                    disk.forceDirectory(p.getParent());
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
        return dir;
    }

    /** Writes {@code content} to a new (or truncated) file of mode 0600 and forces it to disk. */
    public void write(Path file, byte[] content) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, content);
            disk.force(ch, file);
        }
    }

    /**
     * Appends {@code content} and forces it to disk; a file created by this call is mode 0600 and
     * its directory is synced too.
     */
    public void append(Path file, byte[] content) throws IOException {
        boolean existed = Files.exists(file);
        try (FileChannel ch = open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            writeFully(ch, content);
            disk.force(ch, file);
        }
        if (!existed) {
            forceDirectory(file.toAbsolutePath().getParent());
        }
    }

    /**
     * Replaces {@code file} by {@code content}: a 0600 temporary file in the same directory,
     * forced, renamed over the file, then the directory forced.
     */
    public void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        directories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", fileMode());
        try {
            ownerOnly(temp, FILE_MODE);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, content);
                disk.force(ch, temp);
            }
            move(temp, file);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code from} to {@code to} atomically where the platform can (the caller syncs the directory). */
    public void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public void forceDirectory(Path dir) throws IOException {
        disk.forceDirectory(dir);
    }

    /** Creates (mode 0600) or opens {@code file}; a caller that writes temporary files of its own uses this. */
    public FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        Set<StandardOpenOption> set = EnumSet.of(StandardOpenOption.CREATE);
        set.addAll(Set.of(options));
        boolean existed = Files.exists(file);
        FileChannel ch = FileChannel.open(file, set, fileMode());
        if (!existed) {
            ownerOnly(file, FILE_MODE);
        }
        return ch;
    }

    /** The attribute that creates a file owner-only; the mode is set again after creation, whatever the umask. */
    public static FileAttribute<?>[] fileMode() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] directoryMode() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY_MODE)}
                : new FileAttribute<?>[0];
    }

    /** Sets {@code path} owner-only (0600 for a file, 0700 for a directory), unaffected by the umask. */
    public static void ownerOnly(Path path) throws IOException {
        ownerOnly(path, Files.isDirectory(path) ? DIRECTORY_MODE : FILE_MODE);
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    private static void writeFully(FileChannel ch, byte[] content) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
