package org.mailtidy.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of syncs and the modes of what {@link DurableFiles} creates, counted through the disk seam. */
class DurableFilesTest {
    @TempDir
    Path dir;

    private final RecordingDisk disk = new RecordingDisk();
    private final DurableFiles files = disk.files();

    @Test
    void replaceSyncsTheFileBeforeTheRenameAndTheDirectoryAfterIt() throws Exception {
        Path file = dir.resolve("state").resolve("journal.bin");

        files.replace(file, "hello".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("hello");
        assertThat(disk.syncs()).extracting(RecordingDisk.Sync::directory).containsExactly(true, false, true);
        // the new directory's parent, then the temporary file at full length, then the directory of the rename
        assertThat(disk.syncs().get(0).path()).isEqualTo(dir.toAbsolutePath());
        assertThat(disk.syncs().get(1).path().getParent()).isEqualTo(file.getParent().toAbsolutePath());
        assertThat(disk.syncs().get(1).size()).isEqualTo(5);
        assertThat(disk.syncs().get(2).path()).isEqualTo(file.getParent().toAbsolutePath());
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(file.getParent())).isEqualTo("rwx------");
    }

    @Test
    void appendingCreatesAPrivateFileAndSyncsItsDirectoryOnlyWhenNew() throws Exception {
        Path file = dir.resolve("audit.jsonl");

        files.append(file, "a\n".getBytes(StandardCharsets.UTF_8));
        files.append(file, "b\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("a\nb\n");
        assertThat(disk.syncs()).containsExactly(
                new RecordingDisk.Sync(file.toAbsolutePath(), false, 2),
                new RecordingDisk.Sync(dir.toAbsolutePath(), true, 0),
                new RecordingDisk.Sync(file.toAbsolutePath(), false, 4));
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void directoriesAreCreatedOwnerOnlyAndExistingOnesKeepTheirMode() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));

        files.directories(dir.resolve("a/b/c"));

        assertThat(mode(dir)).isEqualTo("rwxr-x---");
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b/c"))).isEqualTo("rwx------");
        assertThat(disk.syncs()).extracting(RecordingDisk.Sync::path).containsExactly(dir.toAbsolutePath(),
                dir.resolve("a").toAbsolutePath(), dir.resolve("a/b").toAbsolutePath());
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
