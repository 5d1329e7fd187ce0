package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/** The master login on the wire: AUTHENTICATE PLAIN with the user as authorization id, and nothing else. */
@Tag("dovecot")
class MasterLoginDovecotIT {
    private static final Dovecot DOVECOT = Dovecot.withMasterUser();

    private static ConnectionSettings master(int port, String user, String password) {
        return ConnectionSettings.login("127.0.0.1", port, ConnectionSettings.Security.NONE, user, "unused")
                .withSecret(() -> password, ConnectionSettings.Mechanism.LOGIN).withMasterUser(Dovecot.MASTER_USER);
    }

    @Test
    void theMasterOpensTheUsersMailboxWithAuthenticatePlain() throws Exception {
        String user = DOVECOT.newUser("master-wire");
        DOVECOT.writeMaildir(user, "INBOX", List.of(TestMessage.of("for the user")));
        List<String> sent = new CopyOnWriteArrayList<>();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy(DOVECOT.host(), DOVECOT.imapPort(), Set.of(),
                java.util.function.UnaryOperator.identity(), line -> {
                    sent.add(line.strip());
                    return line;
                });
             ImapConnection c = ImapConnection.connect(master(proxy.port(), user, Dovecot.MASTER_PASSWORD))) {
            assertThat(c.list("*")).contains("INBOX");
            assertThat(c.description()).contains(user).contains("via master " + Dovecot.MASTER_USER);
        }
        assertThat(sent).anyMatch(l -> l.matches("(?i)\\S+ AUTHENTICATE PLAIN.*"))
                .noneMatch(l -> l.matches("(?i)\\S+ LOGIN .*"));
        // RFC 4616: authzid NUL authcid NUL password, with the user as authzid
        String response = sent.get(sent.indexOf(sent.stream().filter(l -> l.matches("(?i)\\S+ AUTHENTICATE PLAIN"))
                .findFirst().orElseThrow()) + 1);
        assertThat(new String(java.util.Base64.getDecoder().decode(response), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(user + "\0" + Dovecot.MASTER_USER + "\0" + Dovecot.MASTER_PASSWORD);
        // the user's own session: Dovecot's rawlog is written under the user's home, not the master's
        assertThat(DOVECOT.rawCommands(user)).isNotEmpty();
    }

    @Test
    void aServerWithoutAuthPlainIsRefusedBeforeTheMastersPasswordIsSent() throws Exception {
        String user = DOVECOT.newUser("master-noplain");
        List<String> sent = new CopyOnWriteArrayList<>();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy(DOVECOT.host(), DOVECOT.imapPort(),
                Set.of("AUTH=PLAIN"), java.util.function.UnaryOperator.identity(), line -> {
                    sent.add(line.strip());
                    return line;
                })) {
            assertThatThrownBy(() -> ImapConnection.connect(master(proxy.port(), user, Dovecot.MASTER_PASSWORD)))
                    .isInstanceOf(ImapException.class)
                    .hasMessageContaining("does not offer AUTHENTICATE PLAIN, which a master login needs");
        }
        assertThat(sent).noneMatch(l -> l.matches("(?i)\\S+ (LOGIN|AUTHENTICATE)\\b.*"))
                .noneMatch(l -> l.contains(Dovecot.MASTER_PASSWORD));
    }
}
