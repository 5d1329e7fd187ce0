package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.TestMessage;

/**
 * TLS as configured in the file, through {@code once}: implicit TLS and STARTTLS verified with the
 * account's {@code ca_file}; an untrusted certificate or a missing STARTTLS fails that account with
 * a clear message while the other accounts run. (Host name checks: imap.DovecotConnectIT.)
 */
@Tag("dovecot")
class TlsEndToEndIT {
    private static final Dovecot DOVECOT = Dovecot.get();

    private static String account(String id, int port, String tls, String user, boolean withCa) {
        return "  " + id + ": {host: 127.0.0.1, port: " + port + ", tls: " + tls + ", username: " + user
                + ", password: '" + Dovecot.password(user) + "'" + (withCa ? ", ca_file: " + DOVECOT.caFile() : "")
                + "}\n";
    }

    private static String rule(String account) {
        return "  - {name: seen-" + account + ", account: " + account + ", match: {all_messages: true},"
                + " add_flags: [\\Seen]}\n";
    }

    @Test
    void eachAccountStandsOrFallsByItsOwnCertificateCheck() {
        String user = DOVECOT.newUser("tls-e2e");
        String other = DOVECOT.newUser("tls-e2e");
        DOVECOT.writeMaildir(user, "INBOX", List.of(TestMessage.of("hello")));
        DOVECOT.writeMaildir(other, "INBOX", List.of(TestMessage.of("hello")));
        try (FaultProxy downgrade = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            downgrade.stripStartTls();
            String yaml = "version: 1\naccounts:\n"
                    + account("implicit", DOVECOT.imapsPort(), "implicit", user, true)
                    + account("starttls", DOVECOT.imapPort(), "starttls", other, true)
                    + account("untrusted", DOVECOT.imapsPort(), "implicit", user, false)
                    + account("stripped", downgrade.port(), "starttls", user, true)
                    + "rules:\n" + rule("implicit") + rule("starttls") + rule("untrusted") + rule("stripped");

            List<RunResult> results = EndToEnd.once(EndToEnd.config(yaml));

            assertThat(results).hasSize(4);
            assertThat(results).filteredOn(r -> r.account().equals("implicit") || r.account().equals("starttls"))
                    .hasSize(2).allMatch(RunResult::ok);
            assertThat(results).filteredOn(r -> r.account().equals("untrusted")).singleElement()
                    .satisfies(r -> assertThat(r.error()).hasValueSatisfying(e -> assertThat(e)
                            .contains("certificate is not trusted").contains("ca_file")));
            assertThat(results).filteredOn(r -> r.account().equals("stripped")).singleElement()
                    .satisfies(r -> assertThat(r.error()).hasValueSatisfying(e -> assertThat(e)
                            .contains("STARTTLS").contains("never falls back to plaintext")));
            assertThat(downgrade.commands()).noneMatch(c -> c.matches("(?i)\\S+ (LOGIN|AUTHENTICATE).*"));
            for (String u : List.of(user, other)) {
                assertThat(DOVECOT.fetch(u, "INBOX")).singleElement()
                        .satisfies(m -> assertThat(m.flags()).containsExactly("\\Seen"));
            }
        }
    }
}
