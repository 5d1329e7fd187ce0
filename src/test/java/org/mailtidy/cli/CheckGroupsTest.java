package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} of a file with a group: the group and its user count, read without logging in. */
class CheckGroupsTest {
    @TempDir
    Path dir;

    private Path config(String usersKey) throws Exception {
        Path file = dir.resolve("mailtidy.yaml");
        Files.writeString(file, """
                version: 1
                accounts:
                  staff:
                    host: 127.0.0.1
                    port: 1
                    tls: none
                    %s
                    master_user: mailtidy-master
                    password_command: [cat, /nonexistent/master-password]
                rules:
                  - {name: expire-junk, account: staff, mailbox: Junk, match: {older_than: 14d}, delete: true}
                  - {name: everyone, account: "*", match: {older_than: 1y}, add_flags: [Old]}
                """.formatted(usersKey));
        return file;
    }

    @Test
    void checkReadsTheUsersFileAndShowsTheGroupWithoutConnecting() throws Exception {
        Path users = dir.resolve("staff.txt");
        Files.writeString(users, "# staff\nalice\nbob\ncarol\n");
        CliTest.Run run = CliTest.run("check", "-c", config("users_file: " + users).toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("valid: 3 accounts, 2 rules")
                .contains("group staff: 3 users from users_file " + users
                        + ", logging in through master_user mailtidy-master on 127.0.0.1")
                .contains("  account:   staff\n").contains("  account:   *\n");
    }

    @Test
    void checkWithoutSecretsDoesNotRunTheUsersCommand() throws Exception {
        Path marker = dir.resolve("ran");
        CliTest.Run run = CliTest.run("check", "--no-secrets", "-c",
                config("users_command: [touch, " + marker + "]").toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(marker).doesNotExist();
        assertThat(run.out()).contains("group staff: users not known from users_command [touch, " + marker + "]")
                .contains("accounts.staff.users_command: the command [touch, " + marker + "] is not run");
    }

    @Test
    void aBadLineInTheUsersFileFailsCheckWithItsPlace() throws Exception {
        Path users = dir.resolve("staff.txt");
        Files.writeString(users, "alice\nbob\talice\n");
        CliTest.Run run = CliTest.run("check", "-c", config("users_file: " + users).toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(users + ":2:4: a login is one word: \"bob\\talice\" contains a space");
    }
}
