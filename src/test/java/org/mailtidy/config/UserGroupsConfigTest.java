package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups of users ({@code users_file}, {@code users_command}, {@code master_user}) and rules for groups. */
class UserGroupsConfigTest {
    private static final Path FILE = Path.of("mailtidy.yaml");

    @TempDir
    Path dir;

    private static String group(String usersKey) {
        return """
                version: 1
                accounts:
                  staff:
                    host: imap.example.org
                    %s
                    master_user: mailtidy-master
                    password: master-secret
                  own:
                    host: imap.example.org
                    username: admin
                    password: admin-secret
                rules:
                """.formatted(usersKey);
    }

    private static String rule(String name, String account) {
        return "  - {name: " + name + ", account: " + account + ", match: {all_messages: true}, add_flags: [\\Seen]}\n";
    }

    private Path users(String text) throws Exception {
        Path f = dir.resolve("staff.txt");
        Files.writeString(f, text);
        return f;
    }

    private static List<String> errors(String yaml) {
        try {
            ConfigLoader.load(yaml, FILE, Map.of());
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
        throw new AssertionError("loaded without errors");
    }

    @Test
    void eachListedUserIsAnAccountGroupSlashLoginLoggingInThroughTheMaster() throws Exception {
        Path f = users("# the staff\nalice@example.org\n\n  bob@example.org  \n# left: carol\r\ndave\r\n");
        Config c = ConfigLoader.load(group("users_file: " + f) + rule("all", "staff"), FILE, Map.of());

        assertThat(c.accounts().keySet()).containsExactly("own", "staff/alice@example.org", "staff/bob@example.org",
                "staff/dave");
        Account bob = c.account("staff/bob@example.org");
        assertThat(bob.username()).isEqualTo("bob@example.org");
        assertThat(bob.masterUser()).contains("mailtidy-master");
        assertThat(bob.group()).contains("staff");
        assertThat(bob.host()).isEqualTo("imap.example.org");
        assertThat(bob.secret()).isEqualTo(new SecretSource.Literal("master-secret"));
        assertThat(c.account("own").masterUser()).isEmpty();
        assertThat(c.groups()).containsOnlyKeys("staff");
        assertThat(c.logins("staff")).containsExactly("alice@example.org", "bob@example.org", "dave");
        assertThat(c.accountIdsNamed("staff")).hasSize(3);
        assertThat(c.accountIdsNamed("staff/dave")).containsExactly("staff/dave");
        assertThat(c.accountIdsNamed("nobody")).isEmpty();
    }

    @Test
    void aRuleNamesAGroupAListOrEveryAccount() throws Exception {
        Path f = users("alice\nbob\n");
        Config c = ConfigLoader.load(group("users_file: " + f) + rule("group", "staff") + rule("list", "[own, staff/bob]")
                + rule("every", "\"*\""), FILE, Map.of());
        RuleConfig group = c.rules().get(0);
        RuleConfig list = c.rules().get(1);
        RuleConfig every = c.rules().get(2);

        assertThat(c.accounts().keySet().stream().filter(group::appliesTo)).containsExactly("staff/alice", "staff/bob");
        assertThat(c.accounts().keySet().stream().filter(list::appliesTo)).containsExactly("own", "staff/bob");
        assertThat(c.accounts().keySet().stream().filter(every::appliesTo)).containsExactly("own", "staff/alice",
                "staff/bob");
        assertThat(group.accounts()).hasToString("staff");
        assertThat(list.accounts()).hasToString("[own, staff/bob]");
        assertThat(every.accounts()).hasToString("*");
        // a group's name is no prefix match: "staff" is not "staffer/x"
        assertThat(group.appliesTo("staffer/x")).isFalse();
    }

    @Test
    void aUsersCommandsOutputIsTheList() throws Exception {
        Config c = ConfigLoader.load(group("users_command: [printf, 'u1\\nu2\\n# not me\\n']") + rule("all", "staff"),
                FILE, Map.of());
        assertThat(c.logins("staff")).containsExactly("u1", "u2");
    }

    @Test
    void aBadLineIsReportedAtItsPlaceInTheUsersFile() throws Exception {
        Path f = users("alice\n  bob smith\nalice\n");
        assertThat(errors(group("users_file: " + f) + rule("all", "staff"))).containsExactly(
                f + ":2:6: a login is one word: \"bob smith\" contains a space (comments start a line with #)",
                f + ":3:1: duplicate login \"alice\"; first at line 1");
    }

    @Test
    void aMissingUsersFileIsAnErrorAtItsKey() {
        Path missing = dir.resolve("gone.txt");
        assertThat(errors(group("users_file: " + missing) + rule("all", "staff"))).containsExactly(
                "mailtidy.yaml:5:5: accounts.staff.users_file: cannot read users_file " + missing + ": no such file");
    }

    @Test
    void aFailingUsersCommandIsAnErrorWithItsStatus() {
        assertThat(errors(group("users_command: [sh, -c, 'echo broken >&2; exit 3']") + rule("all", "staff")))
                .singleElement().asString().startsWith("mailtidy.yaml:5:5: accounts.staff.users_command: users_command")
                .endsWith("failed with exit status 3: broken");
    }

    @Test
    void theDaemonKeepsTheLastGoodListWhenTheFileCannotBeRead() throws Exception {
        Path f = users("alice\nbob\n");
        Path config = dir.resolve("mailtidy.yaml");
        Files.writeString(config, group("users_file: " + f) + rule("all", "staff"));
        Config running = ConfigLoader.load(config, UserLists.Fallback.NONE);
        Files.delete(f);

        Config reloaded = ConfigLoader.load(config, UserLists.Fallback.of(running));

        assertThat(reloaded.logins("staff")).containsExactly("alice", "bob");
        assertThatThrownBy(() -> ConfigLoader.load(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void groupKeysAreCheckedTogether() {
        assertThat(errors("""
                version: 1
                accounts:
                  a:
                    host: h
                    users_file: /x
                    username: u
                    master_user: m
                    password: p
                  b:
                    host: h
                    users_file: /x
                    password: p
                  c:
                    host: h
                    username: u
                    master_user: m
                    password: p
                  d:
                    host: h
                    users_file: /x
                    users_command: [cat, /x]
                    master_user: m
                    password: p
                  e:
                    host: h
                    users_file: /x
                    master_user: m
                    auth: xoauth2
                    password: p
                rules:
                  - {name: r, account: [a, stafff/x], match: {all_messages: true}, delete: true}
                  - {name: s, account: [a, "*"], match: {all_messages: true}, delete: true}
                """)).containsExactly(
                "mailtidy.yaml:6:5: accounts.a.username: an account with users_file logs in as each listed user through"
                        + " master_user; remove username",
                "mailtidy.yaml:10:5: accounts.b: missing master_user: the users of users_file log in through a master"
                        + " (proxy) login, AUTHENTICATE PLAIN with the user as authorization id",
                "mailtidy.yaml:16:5: accounts.c.master_user: master_user logs in for the users of users_file or"
                        + " users_command; add one of them, or remove master_user",
                "mailtidy.yaml:21:5: accounts.d.users_command: users_file and users_command exclude each other",
                "mailtidy.yaml:28:11: accounts.e.auth: the users of a group log in through master_user with"
                        + " AUTHENTICATE PLAIN (RFC 4616); remove auth and oauth2",
                "mailtidy.yaml:31:28: rules[0].account[1]: unknown account \"stafff\"; known accounts: a, b, c, d, e",
                "mailtidy.yaml:32:28: rules[1].account[1]: \"*\" (every account) stands alone, not in a list");
    }

    @Test
    void checkWithoutSecretsNeverRunsTheUsersCommand() throws Exception {
        Path marker = dir.resolve("ran");
        ConfigLoader.Checked checked = ConfigLoader.loadWithoutSecrets(group("users_command: [touch, " + marker + "]")
                + rule("all", "staff"), FILE, Map.of());

        assertThat(marker).doesNotExist();
        assertThat(checked.config().logins("staff")).isEmpty();
        assertThat(checked.notChecked()).singleElement().satisfies(n -> {
            assertThat(n.keyPath()).isEqualTo("accounts.staff.users_command");
            assertThat(n.what()).contains("is not run");
        });
        assertThat(Optional.of(checked.config().groups().get("staff").masterUser())).contains("mailtidy-master");
    }
}
