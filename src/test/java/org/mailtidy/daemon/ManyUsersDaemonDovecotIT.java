package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.Connections;
import org.mailtidy.testsupport.Await;
import org.mailtidy.schedule.DaemonOptions;
import org.mailtidy.testsupport.CountingProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * The daemon with a group of users from a {@code users_file} on Dovecot with a master user: every
 * user's INBOX tidied by one rule for {@code "*"}, the IMAP connections bounded by the runs going at
 * once and the kept-connection bound (counted at a proxy in front of the server), and a reload that
 * drops a user from the file drops its job and its metric series and schedules a new user.
 */
@Tag("dovecot")
class ManyUsersDaemonDovecotIT {
    private static final Dovecot DOVECOT = Dovecot.withMasterUser();
    private static final int USERS = Integer.getInteger("mailtidy.many.users", 200);
    private static final int THREADS = 8;
    private static final int KEPT = 4;

    @TempDir
    Path dir;

    @Test
    void everyUserIsTidiedWithinTheConnectionBoundAndAReloadFollowsTheList() throws Exception {
        String prefix = "mud-" + ProcessHandle.current().pid();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(prefix + "-u" + i);
        }
        String added = prefix + "-new";
        List<String> all = new ArrayList<>(users);
        all.add(added);
        DOVECOT.addUsers(all, List.of(TestMessage.of("junk offer"), TestMessage.of("keep me")));
        Path usersFile = dir.resolve("staff.txt");
        Files.writeString(usersFile, "# all staff\n" + String.join("\n", users) + "\n");

        try (CountingProxy proxy = CountingProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            Path config = dir.resolve("mailtidy.yaml");
            Files.writeString(config, """
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
                    defaults: {schedule: every 1h, timezone: UTC}
                    rules:
                      - name: drop-junk
                        account: "*"
                        match: {subject: junk}
                        delete: true
                    """.formatted(proxy.port(), DOVECOT.caFile(), usersFile, Dovecot.MASTER_USER,
                    Dovecot.MASTER_PASSWORD));
            Daemon daemon = daemon(config);
            // the users' first runs spread over 5 s instead of up to 15 minutes (Jitter)
            System.setProperty("mailtidy.jitter_max", "5s");
            daemon.start();
            try {
                Await.await("every user's first run", Duration.ofSeconds(120),
                        () -> users.stream().allMatch(u -> DOVECOT.inboxFiles(u) == 1));
                Await.await("the runs' connections kept within the bound", Duration.ofSeconds(20),
                        () -> proxy.open() <= KEPT);
                assertThat(DOVECOT.inboxFiles(added)).isEqualTo(2);
                // runs go THREADS at a time; a closed connection leaves the proxy a moment after the next opens
                assertThat(proxy.peak()).isBetween(1, 2 * THREADS);
                String removed = users.get(USERS - 1);
                assertThat(daemon.metrics()).contains("account=\"staff/" + removed + "\"");
                assertThat(daemon.statusJson()).contains("staff/" + removed);

                List<String> now = new ArrayList<>(users.subList(0, USERS - 1));
                now.add(added);
                Files.writeString(usersFile, String.join("\n", now) + "\n");
                daemon.requestReload("SIGHUP").get();

                assertThat(daemon.statusJson()).doesNotContain("staff/" + removed + "\"").contains("staff/" + added);
                assertThat(daemon.metrics()).doesNotContain("account=\"staff/" + removed + "\"");

                // a users_file that cannot be read keeps the running list
                Files.delete(usersFile);
                daemon.requestReload("SIGHUP").get();
                assertThat(daemon.statusJson()).contains("staff/" + added).contains("staff/" + users.get(0) + "\"");
            } finally {
                System.clearProperty("mailtidy.jitter_max");
                assertThat(daemon.stop()).isZero();
            }
        }
    }

    @Test
    void theConnectionsToOneServerStayWithinItsBoundWhateverTheThreads() throws Exception {
        String prefix = "mps-" + ProcessHandle.current().pid();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            users.add(prefix + "-u" + i);
        }
        DOVECOT.addUsers(users, List.of(TestMessage.of("junk offer"), TestMessage.of("keep me")));
        Path usersFile = dir.resolve("few.txt");
        Files.writeString(usersFile, String.join("\n", users) + "\n");
        int perServer = 2;
        try (CountingProxy proxy = CountingProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            Path config = dir.resolve("few.yaml");
            Files.writeString(config, """
                    version: 1
                    accounts:
                      staff: {host: 127.0.0.1, port: %d, tls: none, users_file: %s, master_user: %s, password: '%s'}
                    defaults: {schedule: every 1h, timezone: UTC}
                    rules:
                      - {name: drop-junk, account: "*", match: {subject: junk}, delete: true}
                    """.formatted(proxy.port(), usersFile, Dovecot.MASTER_USER, Dovecot.MASTER_PASSWORD));
            System.setProperty("mailtidy.max_connections_per_server", Integer.toString(perServer));
            Daemon daemon;
            try {
                daemon = daemon(config);
            } finally {
                System.clearProperty("mailtidy.max_connections_per_server");
            }
            System.setProperty("mailtidy.jitter_max", "1s");
            daemon.start();
            try {
                Await.await("every user's first run", Duration.ofSeconds(120),
                        () -> users.stream().allMatch(u -> DOVECOT.inboxFiles(u) == 1));
            } finally {
                System.clearProperty("mailtidy.jitter_max");
                assertThat(daemon.stop()).isZero();
            }
            // 8 run threads, but never more than 2 connections to the server (the proxy sees a closed one
            // end a moment after the next opens, so up to twice that overlap there)
            assertThat(proxy.peak()).isBetween(1, 2 * perServer);
            assertThat(proxy.total()).isGreaterThanOrEqualTo(users.size() / 2);
        }
    }

    @Test
    void aWrongMasterPasswordTakesThreeLoginsAndDownsEveryUser() throws Exception {
        String prefix = "mbad-" + ProcessHandle.current().pid();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            users.add(prefix + "-u" + i);
        }
        DOVECOT.addUsers(users, List.of(TestMessage.of("junk offer")));
        Path usersFile = dir.resolve("bad.txt");
        Files.writeString(usersFile, String.join("\n", users) + "\n");
        try (CountingProxy proxy = CountingProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            Path config = dir.resolve("bad.yaml");
            Files.writeString(config, """
                    version: 1
                    accounts:
                      staff: {host: 127.0.0.1, port: %d, tls: none, users_file: %s, master_user: %s, password: wrong}
                    defaults: {schedule: every 1h, timezone: UTC}
                    rules:
                      - {name: drop-junk, account: "*", match: {subject: junk}, delete: true}
                    """.formatted(proxy.port(), usersFile, Dovecot.MASTER_USER));
            Daemon daemon = daemon(config);
            System.setProperty("mailtidy.jitter_max", "1s");
            daemon.start();
            try {
                Await.await("every user down", Duration.ofSeconds(60), () -> daemon.metrics().lines()
                        .filter(l -> l.startsWith("mailtidy_account_up{account=\"staff/") && l.endsWith(" 0")).count()
                        == users.size());
                assertThat(proxy.total()).isEqualTo(org.mailtidy.engine.MasterLogins.PROBES);
                assertThat(daemon.statusJson()).contains("master login mailtidy-master of group staff was refused");
            } finally {
                System.clearProperty("mailtidy.jitter_max");
                assertThat(daemon.stop()).isZero();
            }
        }
        for (String user : users) {
            assertThat(DOVECOT.inboxFiles(user)).isEqualTo(1);
        }
    }

    private static Daemon daemon(Path config) {
        // both bounds are read when the daemon is made
        System.setProperty("mailtidy.max_parallel_accounts", Integer.toString(THREADS));
        System.setProperty("mailtidy.max_kept_connections", Integer.toString(KEPT));
        try {
            return new Daemon(config, DaemonOptions.defaults().withStopGrace(Duration.ofSeconds(15)), Connections::open,
                    Clock.systemUTC());
        } finally {
            System.clearProperty("mailtidy.max_parallel_accounts");
            System.clearProperty("mailtidy.max_kept_connections");
        }
    }
}
