package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * {@code mailtidy once} started by a shell with cron's umask 022: every file it creates that holds
 * mail or state (backups, audit, cache) is 0600 and every directory it creates 0700.
 */
@Tag("dovecot")
class PrivateFilesProcessIT {
    @TempDir
    Path dir;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void filesAreOwnerOnlyUnderUmask022() throws Exception {
        String user = dovecot.newUser("umask");
        List<TestMessage> mail = new ArrayList<>(List.of(TestMessage.of("advert")));
        for (int i = 0; i < 120; i++) {
            mail.add(TestMessage.of("report " + i)); // enough for the mailbox cache to be written
        }
        dovecot.writeMaildir(user, "INBOX", mail);
        Path backup = dir.resolve("backup");
        Path audit = dir.resolve("log").resolve("audit.jsonl");
        Path state = dir.resolve("state");
        Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\naccounts:\n"
                + "  a: {host: 127.0.0.1, port: " + dovecot.imapPort() + ", tls: none, username: " + user
                + ", password: " + Dovecot.password(user) + "}\n"
                + "safety: {backup_dir: '" + backup + "'}\naudit: {file: '" + audit + "'}\n"
                + "rules:\n  - {name: ads, schedule: every 1h, match: {subject: advert}, delete: true}\n"
                + "  - {name: reports, schedule: every 1h, match: {subject: report}, add_flags: [\\Seen]}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "umask 022 && touch '" + dir.resolve("probe") + "' && exec '" + java + "' -cp \"$CP\" "
                + Main.class.getName() + " once -c '" + config + "' --state-dir '" + state + "'";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(mode(dir.resolve("probe"))).as("the shell's umask is 022").isEqualTo("rw-r--r--");

        List<Path> created = new ArrayList<>();
        for (Path root : List.of(backup, audit.getParent(), state)) {
            try (Stream<Path> all = Files.walk(root)) {
                all.forEach(created::add);
            }
        }
        assertThat(created).filteredOn(Files::isRegularFile).extracting(Path::getFileName).extracting(Path::toString)
                .anyMatch(n -> n.contains(".mailtidy:2,")).contains("audit.jsonl").anyMatch(n -> n.endsWith(".bin"));
        for (Path p2 : created) {
            assertThat(mode(p2)).as(p2.toString()).isEqualTo(Files.isDirectory(p2) ? "rwx------" : "rw-------");
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
