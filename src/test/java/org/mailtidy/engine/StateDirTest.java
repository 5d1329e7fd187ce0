package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateDirTest {

    @Test
    void anExplicitDirectoryWinsAndNoneTurnsStateOff() {
        Map<String, String> env = Map.of("MAILTIDY_STATE_DIR", "/env", "HOME", "/home/u");
        assertThat(StateDir.resolve("/cli", env)).contains(new StateDir(Path.of("/cli")));
        assertThat(StateDir.resolve("none", env)).isEmpty();
        assertThat(StateDir.resolve(null, env)).contains(new StateDir(Path.of("/env")));
        assertThat(StateDir.resolve(null, Map.of("MAILTIDY_STATE_DIR", "none", "HOME", "/home/u"))).isEmpty();
    }

    @Test
    void theServiceUsesSystemdsStateDirectoryThenXdgThenHome() {
        assertThat(StateDir.resolve(null, Map.of("STATE_DIRECTORY", "/var/lib/mailtidy:/var/lib/other",
                "XDG_STATE_HOME", "/x", "HOME", "/home/u"))).contains(new StateDir(Path.of("/var/lib/mailtidy")));
        assertThat(StateDir.resolve(null, Map.of("XDG_STATE_HOME", "/x", "HOME", "/home/u")))
                .contains(new StateDir(Path.of("/x/mailtidy")));
        assertThat(StateDir.resolve(null, Map.of("HOME", "/home/u")))
                .contains(new StateDir(Path.of("/home/u/.local/state/mailtidy")));
        assertThat(StateDir.resolve(null, Map.of())).isEqualTo(Optional.empty());
    }

    @Test
    void mailboxNamesOfAnyKindMakeSafeFileNames() {
        StateDir dir = new StateDir(Path.of("/s"));
        Path p = dir.mailboxFile("cache", "acct", "../Ä \"x\"/y", ".bin");
        assertThat(p.getParent()).isEqualTo(Path.of("/s/cache/acct"));
        assertThat(p.getFileName().toString()).matches("[0-9a-f]+\\.bin");
    }

    @Test
    void aGroupUsersLoginNeverLeadsOutOfTheStateDirectory() {
        StateDir dir = new StateDir(Path.of("/s"));
        Path p = dir.mailboxFile("cache", "staff/../../etc", "INBOX", ".bin");
        assertThat(p.normalize().startsWith(Path.of("/s/cache/staff/users"))).isTrue();
        assertThat(p.getParent()).isEqualTo(Path.of("/s/cache/staff/users/2e2e2f2e2e2f657463"));
        Path longLogin = dir.mailboxFile("cache", "staff/" + "x".repeat(300) + "@example.org", "INBOX", ".bin");
        assertThat(longLogin.getParent().getFileName().toString()).startsWith("sha256-").hasSize(7 + 64);
        assertThat(dir.mailboxFile("cache", "acct", "INBOX", ".bin").getParent()).isEqualTo(Path.of("/s/cache/acct"));
    }
}
