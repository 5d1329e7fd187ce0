package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/** A group of users on Cyrus, through a login listed in {@code proxyservers} (SASL PLAIN authorization id). */
@Tag("cyrus")
class ManyUsersCyrusIT {
    @Test
    void onceTidiesEachUserThroughTheProxyServersLogin() throws Exception {
        Cyrus cyrus = Cyrus.get();
        cyrus.addMasterUser();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String user = cyrus.newUser("cyrus-many");
            cyrus.load(user, "INBOX", List.of(TestMessage.of("junk offer"), TestMessage.of("keep me")));
            users.add(user);
        }
        Path file = Files.createDirectories(Path.of("target", "many-users")).resolve("cyrus.txt").toAbsolutePath();
        Files.writeString(file, String.join("\n", users) + "\n");
        Config config = ConfigLoader.load("""
                version: 1
                accounts:
                  staff:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    users_file: %s
                    master_user: %s
                    password: '%s'
                rules:
                  - {name: drop-junk, account: "*", match: {subject: junk}, delete: true}
                """.formatted(cyrus.port(), file, Cyrus.MASTER_USER, Cyrus.MASTER_PASSWORD), Path.of("cyrus.yaml"),
                Map.of());

        List<RunResult> results = EndToEnd.once(config);

        assertThat(results).hasSize(users.size()).allSatisfy(r -> assertThat(r.ok()).as(r.error().toString()).isTrue());
        for (String user : users) {
            assertThat(cyrus.fetch(user, "INBOX")).extracting(StoredMessage::messageId).hasSize(1);
        }
    }
}
