package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.files.RecordingDisk;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.TestMessage;

/** Every backup file is synced at full length before its rename, and the folder after the last one. */
class BackupWriterSyncTest {
    private static final GreenMailServer server = GreenMailServer.shared();

    @TempDir
    Path dir;

    @Test
    void eachFileIsSyncedBeforeItsRenameAndTheFolderBeforeSaveReturns() throws Exception {
        String user = server.newUser("backup-sync");
        List<Long> uids = server.appendAll(user, "INBOX", List.of(TestMessage.of("one"),
                TestMessage.of("two").withBody("A longer body.\r\n".repeat(100)), TestMessage.of("three")));
        RecordingDisk disk = new RecordingDisk();
        Path root = dir.resolve("backup");

        try (ImapConnection c = ImapConnection.connect(server.settings(user))) {
            SelectedMailbox box = c.select("INBOX", false);
            new BackupWriter(Optional.of(root), "acct", "INBOX", disk.files())
                    .save(box, uids.stream().mapToLong(Long::longValue).toArray());
        }

        Path cur = root.resolve("acct").resolve("INBOX").resolve("cur").toAbsolutePath();
        List<Path> saved;
        try (Stream<Path> files = Files.list(cur)) {
            saved = files.sorted().toList();
        }
        assertThat(saved).hasSize(3);
        List<RecordingDisk.Sync> fileSyncs = disk.syncs().stream().filter(s -> !s.directory()).toList();
        assertThat(fileSyncs).hasSize(3);
        for (Path p : saved) {
            String base = p.getFileName().toString().replaceFirst(":2,.*$", "");
            assertThat(fileSyncs).as("sync of %s", base)
                    .anySatisfy(s -> {
                        assertThat(s.path().getFileName().toString()).isEqualTo(base);
                        assertThat(s.path().getParent().getFileName().toString()).isEqualTo("tmp");
                        assertThat(s.size()).isEqualTo(Files.size(p));
                    });
        }
        RecordingDisk.Sync last = disk.syncs().get(disk.syncs().size() - 1);
        assertThat(last).isEqualTo(new RecordingDisk.Sync(cur, true, 0));
    }
}
