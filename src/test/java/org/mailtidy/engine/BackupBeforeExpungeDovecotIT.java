package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.TestMessage;

/**
 * At the moment the server receives the {@code UID EXPUNGE}, every message it is about to delete
 * is already in the backup folder, complete (the byte-for-byte message, under its final name in
 * {@code cur}). That it was also synced is counted in {@code BackupWriterSyncTest}.
 */
@Tag("dovecot")
class BackupBeforeExpungeDovecotIT {
    @TempDir
    Path temp;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void everyDeletedMessageIsCompleteInTheBackupWhenTheExpungeReachesTheServer() throws Exception {
        String user = dovecot.newUser("backup-expunge");
        List<TestMessage> doomed = List.of(
                TestMessage.of("advert one").withBody("Buy.\r\n".repeat(20_000)),
                TestMessage.of("advert two"),
                TestMessage.of("advert three").withBody("Now.\r\n".repeat(3)));
        List<TestMessage> all = new java.util.ArrayList<>(doomed);
        all.add(TestMessage.of("keep me"));
        dovecot.writeMaildir(user, "INBOX", all);
        Map<String, byte[]> expected = new TreeMap<>();
        doomed.forEach(m -> expected.put(m.subject(), m.toBytes()));
        Path backup = temp.resolve("backup");
        Path cur = backup.resolve("test").resolve("INBOX").resolve("cur");
        List<String> seenAtExpunge = new CopyOnWriteArrayList<>();

        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", dovecot.imapPort())) {
            proxy.arm(FaultProxy.Fault.hook("(?i)^UID EXPUNGE ", () -> seenAtExpunge.addAll(complete(cur, expected))));
            String yaml = "version: 1\naccounts:\n"
                    + EndToEnd.account("test", "127.0.0.1", proxy.port(), user, Dovecot.password(user))
                    + "safety:\n  max_deletes_per_run: 10\n  backup_dir: '" + backup + "'\n"
                    + "rules:\n  - {name: purge-ads, schedule: every 1h, match: {subject: advert}, delete: true}\n";

            List<RunResult> results = EndToEnd.once(EndToEnd.config(yaml));

            assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(proxy.fired()).as("the UID EXPUNGE went through the proxy").isTrue();
        }
        assertThat(seenAtExpunge).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(dovecot.fetch(user, "INBOX")).hasSize(1);
    }

    /** The subjects whose backup file in {@code cur} holds exactly the original bytes. */
    private static List<String> complete(Path cur, Map<String, byte[]> expected) {
        if (!Files.isDirectory(cur)) {
            return List.of("no backup folder");
        }
        try (Stream<Path> files = Files.list(cur)) {
            List<byte[]> saved = files.map(p -> {
                try {
                    return Files.readAllBytes(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            return expected.entrySet().stream().filter(e -> saved.stream().anyMatch(s -> Arrays.equals(s, e.getValue())))
                    .map(Map.Entry::getKey).toList();
        } catch (java.io.IOException e) {
            return List.of("unreadable: " + e);
        }
    }
}
