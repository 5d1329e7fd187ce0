package org.mailtidy.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigException;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;

/** Loads a config from text and runs {@code once} with it, as the CLI does; reads mailboxes back by Message-ID. */
final class EndToEnd {
    private EndToEnd() {
    }

    static Config config(String yaml) {
        try {
            return ConfigLoader.load(yaml, Path.of("test.yaml"), Map.of());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** One {@code once} pass over every enabled rule; never throws for a server problem. */
    static List<RunResult> once(Config config) {
        return once(config, java.util.Optional.empty());
    }

    /** The same with a state directory (caches, copy journal). */
    static List<RunResult> once(Config config, java.util.Optional<StateDir> state) {
        RunSettings settings = RunSettings.from(config, false, config.audit().map(a -> new AuditLog(a.file())),
                state);
        try {
            return new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static RunResult result(List<RunResult> results, String mailbox) {
        return results.stream().filter(r -> r.mailbox().equals(mailbox)).findFirst()
                .orElseThrow(() -> new AssertionError("no run of " + mailbox + " in " + results));
    }

    /** Message-ID to sorted flags; UIDs differ between users with the same mail, Message-IDs do not. */
    static Map<String, String> byMessageId(Dovecot dovecot, String user, String mailbox) {
        Map<String, String> out = new TreeMap<>();
        for (StoredMessage m : dovecot.fetch(user, mailbox)) {
            out.merge(m.messageId(), new TreeSet<>(m.flags()).toString(), (a, b) -> a + " + " + b);
        }
        return out;
    }

    /**
     * The private Dovecot's account {@code test} for {@code user} (with a Trash mailbox, UTC, deletes
     * unbounded) followed by {@code rules}; over STARTTLS verified with the test CA, or in plain text.
     */
    static Config dovecotConfig(Dovecot dovecot, String user, boolean starttls, String rules) throws ConfigException {
        return dovecotConfig(dovecot, dovecot.imapPort(), user, starttls, rules);
    }

    /** The same, through another port on the loopback (a proxy in front of the Dovecot). */
    static Config dovecotConfig(Dovecot dovecot, int port, String user, boolean starttls, String rules)
            throws ConfigException {
        String tls = starttls ? "tls: starttls\n    ca_file: " + dovecot.caFile() : "tls: none";
        String yaml = """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    %s
                    username: %s
                    password: ${PW}
                    trash_mailbox: Trash
                defaults:
                  timezone: UTC
                safety:
                  max_deletes_per_run: 100000
                """.formatted(port, tls, user) + rules;
        return ConfigLoader.load(yaml, Path.of(user + ".yaml"), Map.of("PW", Dovecot.password(user)));
    }

    /** An account block for a plain-text loopback connection with short timeouts. */
    static String account(String id, String host, int port, String user, String password) {
        return """
                  %s:
                    host: %s
                    port: %d
                    tls: none
                    username: %s
                    password: '%s'
                    connect_timeout: 3s
                    read_timeout: 2s
                """.formatted(id, host, port, user, password);
    }

    /**
     * An account {@code test} on any contract server for {@code user} (TLS as its settings say,
     * trash_mailbox Trash, UTC, deletes unbounded) followed by {@code rules}.
     */
    static Config serverConfig(org.mailtidy.testsupport.MailServer server, String user, String rules) {
        org.mailtidy.imap.ConnectionSettings s = server.settings(user);
        String tls = switch (s.security()) {
            case NONE -> "tls: none";
            case STARTTLS -> "tls: starttls" + s.caFile().map(ca -> "\n    ca_file: " + ca).orElse("");
            case IMPLICIT -> "tls: implicit" + s.caFile().map(ca -> "\n    ca_file: " + ca).orElse("");
        };
        String yaml = """
                version: 1
                accounts:
                  test:
                    host: %s
                    port: %d
                    %s
                    username: %s
                    password: ${PW}
                    trash_mailbox: Trash
                    read_timeout: 600s
                defaults:
                  timezone: UTC
                safety:
                  max_deletes_per_run: 100000
                """.formatted(s.host(), s.port(), tls, user) + rules;
        try {
            return ConfigLoader.load(yaml, Path.of("test.yaml"), Map.of("PW", s.secret().call()));
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
