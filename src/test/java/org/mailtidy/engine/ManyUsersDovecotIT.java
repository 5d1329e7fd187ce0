package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.testsupport.CountingProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * One rule set for a group of users from a {@code users_file}, logging in through Dovecot's master
 * passdb (AUTHENTICATE PLAIN, authzid = the user, RFC 4616): {@code once} tidies every user's INBOX.
 */
@Tag("dovecot")
class ManyUsersDovecotIT {
    private static final Dovecot DOVECOT = Dovecot.withMasterUser();
    private static final AtomicInteger GROUPS = new AtomicInteger();
    static final int USERS = Integer.getInteger("mailtidy.many.users", 200);

    /** A group of {@code n} fresh users, each with a "junk" and a "keep" message; their users_file. */
    static List<String> users(String prefix, int n) {
        String run = prefix + GROUPS.incrementAndGet() + "-" + ProcessHandle.current().pid();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(run + "-u" + i);
        }
        DOVECOT.addUsers(users, List.of(TestMessage.of("junk offer"), TestMessage.of("keep me")));
        return users;
    }

    static Path usersFile(String name, List<String> users) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "many-users"));
        Path file = dir.resolve(name + ".txt");
        Files.writeString(file, "# staff of the test\n\n" + String.join("\n", users) + "\n");
        return file.toAbsolutePath();
    }

    static String yaml(Path usersFile, String masterPassword) {
        return yaml(DOVECOT.imapPort(), usersFile, masterPassword);
    }

    static String yaml(int port, Path usersFile, String masterPassword) {
        return """
                version: 1
                accounts:
                  staff:
                    host: 127.0.0.1
                    port: %d
                    tls: starttls
                    ca_file: %s
                    users_file: %s
                    master_user: %s
                    password: '%s'
                rules:
                  - name: drop-junk
                    account: "*"
                    match: {subject: junk}
                    delete: true
                """.formatted(port, DOVECOT.caFile(), usersFile, Dovecot.MASTER_USER, masterPassword);
    }

    @Test
    void onceTidiesEveryUserOfTheGroupThroughTheMasterLogin() throws Exception {
        List<String> users = users("many", USERS);
        List<RunResult> results;
        int peak;
        try (CountingProxy proxy = CountingProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            Config config = ConfigLoader.load(yaml(proxy.port(), usersFile("once", users), Dovecot.MASTER_PASSWORD),
                    Path.of("many.yaml"), Map.of());
            assertThat(config.accounts()).hasSize(USERS).containsKey("staff/" + users.get(0));
            results = EndToEnd.once(config);
            peak = proxy.peak();
            assertThat(proxy.total()).isEqualTo(USERS);
        }

        assertThat(results).hasSize(USERS).allSatisfy(r -> assertThat(r.ok()).as(r.account() + " " + r.error()).isTrue());
        assertThat(results).extracting(RunResult::account).containsExactlyInAnyOrderElementsOf(
                users.stream().map(u -> "staff/" + u).toList());
        for (String user : users) {
            assertThat(DOVECOT.inboxFiles(user)).as(user).isEqualTo(1);
        }
        // bounded by the accounts run at once, not by the users: the proxy sees a closed connection end a
        // moment after the next one opens, so up to twice that many may overlap there
        assertThat(peak).isBetween(1, 2 * OncePass.PARALLEL_ACCOUNTS);
    }

    @Test
    void aWrongMasterPasswordFailsEveryUserWithOneMessageAfterThreeTries() throws Exception {
        List<String> users = users("badmaster", 40);
        List<RunResult> results;
        try (CountingProxy proxy = CountingProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            Config config = ConfigLoader.load(yaml(proxy.port(), usersFile("badmaster", users), "not-the-password"),
                    Path.of("many.yaml"), Map.of());
            results = EndToEnd.once(config);
            // the first users are tried one at a time; after MasterLogins.PROBES refusals nobody else connects
            assertThat(proxy.total()).isEqualTo(MasterLogins.PROBES);
        }
        assertThat(results).hasSize(users.size()).noneMatch(RunResult::ok);
        assertThat(results).filteredOn(r -> r.error().orElseThrow().contains("master login mailtidy-master of group"
                + " staff was refused for " + MasterLogins.PROBES + " users in a row"))
                .hasSize(users.size() - MasterLogins.PROBES);
        assertThat(results).allSatisfy(r -> assertThat(r.error().orElseThrow()).doesNotContain("\n")
                .doesNotContain("not-the-password"));
        for (String user : users) {
            assertThat(DOVECOT.inboxFiles(user)).as(user).isEqualTo(2);
        }
    }
}
