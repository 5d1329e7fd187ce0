package org.mailtidy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** Binds one entry of {@code accounts:}. */
final class AccountBinder {

    static final Pattern ID = Pattern.compile("[a-z0-9_-]+");
    private static final YamlMap.Keys KEYS = YamlMap.Keys.of("host", "port", "tls", "username", "password",
            "password_file", "password_command", "auth", "oauth2", "trash_mailbox", "allow_plaintext", "ca_file",
            "connect_timeout", "read_timeout", "command_timeout", "login_timeout", "max_message_size", "max_messages");
    private static final YamlMap.Keys OAUTH2_KEYS = YamlMap.Keys.of("provider", "token_url", "client_id",
            "client_secret", "client_secret_file", "refresh_token", "refresh_token_file", "scope");
    private static final List<String> TLS = List.of("implicit", "starttls", "none");
    private static final List<String> AUTH = List.of("login", "xoauth2", "oauthbearer");
    private static final List<String> PROVIDERS = List.of("google", "microsoft");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern HOST = Pattern.compile("[^\\s/@]+");

    private final Values values;

    AccountBinder(Values values) {
        this.values = values;
    }

    Optional<Account> bind(String id, Node keyNode, Node node, String path) {
        int before = values.problems().count();
        if (!ID.matcher(id).matches()) {
            values.problems().add(keyNode, path, "invalid account id " + Text.quote(id)
                    + ": use lowercase letters, digits, _ and -");
        }
        Optional<YamlMap> map = values.map(node, path, KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Account.Tls tls = m.value("tls").flatMap(n -> values.choice(n, m.child("tls"), TLS))
                .map(t -> Account.Tls.valueOf(t.toUpperCase(Locale.ROOT))).orElse(Account.Tls.IMPLICIT);
        int defaultPort = tls == Account.Tls.IMPLICIT ? 993 : 143;
        int port = m.value("port").flatMap(n -> values.integer(n, m.child("port"), 1, 65535)).map(Long::intValue).orElse(defaultPort);
        String username = m.required("username").flatMap(n -> values.text(n, m.child("username"))).orElse(null);
        Account.AuthMechanism auth = m.value("auth").flatMap(n -> values.choice(n, m.child("auth"), AUTH))
                .map(a -> Account.AuthMechanism.valueOf(a.toUpperCase(Locale.ROOT)))
                // With an oauth2 block and no auth key, XOAUTH2: the mechanism Gmail and Microsoft 365 both accept.
                .orElse(m.has("oauth2") ? Account.AuthMechanism.XOAUTH2 : Account.AuthMechanism.LOGIN);
        Optional<Account.OAuth2> oauth2 = m.value("oauth2").flatMap(n -> oauth2(m, auth, n));
        Optional<OAuth2Provider> preset = oauth2.flatMap(Account.OAuth2::provider).flatMap(OAuth2Provider::byId);
        String host = host(m, preset, m.has("oauth2") && oauth2.isEmpty());
        if (preset.orElse(null) == OAuth2Provider.MICROSOFT && auth == Account.AuthMechanism.OAUTHBEARER) {
            values.problems().add(m.value("auth").orElseThrow(), m.child("auth"),
                    "Microsoft 365 accepts only XOAUTH2 for IMAP; use auth: xoauth2");
        }
        SecretSource secret = secret(m, m.has("oauth2")).orElse(null);
        Optional<String> trash = m.value("trash_mailbox").flatMap(n -> values.mailbox(n, m.child("trash_mailbox")));
        boolean allowPlaintext = m.value("allow_plaintext").flatMap(n -> values.bool(n, m.child("allow_plaintext"))).orElse(false);
        Optional<Path> caFile = m.value("ca_file").flatMap(n -> values.path(n, m.child("ca_file")));
        Duration connect = m.value("connect_timeout").flatMap(n -> values.duration(n, m.child("connect_timeout"))).orElse(CONNECT_TIMEOUT);
        Duration read = m.value("read_timeout").flatMap(n -> values.duration(n, m.child("read_timeout"))).orElse(READ_TIMEOUT);
        Account.Limits limits = limits(m);
        if (tls == Account.Tls.NONE && host != null && !allowPlaintext && !Loopback.isLoopback(host)) {
            values.problems().add(m.value("tls").orElseThrow(), m.child("tls"), "tls: none would send the password in clear text to "
                    + host + ", which is not a loopback address; use implicit or starttls, or set allow_plaintext: true");
        }
        if (values.problems().count() > before) {
            return Optional.empty();
        }
        return Optional.of(new Account(id, host, port, tls, username, secret, auth, oauth2, trash, allowPlaintext,
                caFile, connect, read, limits));
    }

    /** The limits on what the server says; the defaults are {@link Account.Limits#DEFAULTS}. */
    private Account.Limits limits(YamlMap m) {
        Account.Limits d = Account.Limits.DEFAULTS;
        Duration command = m.value("command_timeout").flatMap(n -> values.duration(n, m.child("command_timeout")))
                .orElse(d.commandTimeout());
        Duration login = m.value("login_timeout").flatMap(n -> values.duration(n, m.child("login_timeout")))
                .orElse(d.loginTimeout());
        long size = m.value("max_message_size").flatMap(n -> values.read(n, m.child("max_message_size"),
                Syntax.SIZE_EXAMPLES, Syntax::size)).orElse(d.maxMessageSize());
        long messages = m.value("max_messages").flatMap(n -> values.integer(n, m.child("max_messages"), 1,
                1_000_000_000)).orElse(d.maxMessages());
        return new Account.Limits(command, login, Math.max(1, size), messages);
    }

    /** {@code host}; a provider preset fills it in when it is absent. */
    private String host(YamlMap m, Optional<OAuth2Provider> preset, boolean oauth2Failed) {
        if (!m.has("host") && preset.isPresent()) {
            return preset.get().imapHost();
        }
        if (!m.has("host") && oauth2Failed) {
            return null;
        }
        return m.required("host").flatMap(n -> values.read(n, m.child("host"), "a host name", AccountBinder::host)).orElse(null);
    }

    private static String host(String text) throws BadValue {
        if (!HOST.matcher(text).matches()) {
            throw BadValue.expected("a host name or address", text);
        }
        return text;
    }

    /** Exactly one password source, unless an oauth2 block supplies the token. */
    private Optional<SecretSource> secret(YamlMap m, boolean hasOAuth2Block) {
        if (hasOAuth2Block) {
            for (String key : SecretBinder.KEYS) {
                if (m.has(key)) {
                    values.problems().add(m.keyNode(key), m.child(key),
                            "the oauth2 block supplies the access token; remove " + key + " or the oauth2 block");
                    return Optional.empty();
                }
            }
            return Optional.of(new SecretSource.None());
        }
        if (!SecretBinder.hasAny(m)) {
            if (m.misspelt(SecretBinder.KEYS)) {
                return Optional.empty();
            }
            values.problems().add(m.node(), m.path(), "missing a password: add one of password, password_file or password_command");
            return Optional.empty();
        }
        return SecretBinder.read(m, values);
    }

    private Optional<Account.OAuth2> oauth2(YamlMap account, Account.AuthMechanism auth, Node node) {
        String path = account.child("oauth2");
        int before = values.problems().count();
        if (auth == Account.AuthMechanism.LOGIN) {
            values.problems().add(account.keyNode("oauth2"), path, "an oauth2 block needs auth: xoauth2 or auth: oauthbearer");
        }
        Optional<YamlMap> map = values.map(node, path, OAUTH2_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<String> provider = m.value("provider").flatMap(n -> values.choice(n, m.child("provider"), PROVIDERS));
        Optional<String> tokenUrl = m.value("token_url").flatMap(n -> values.read(n, m.child("token_url"), "an https URL", AccountBinder::tokenUrl));
        if (m.has("provider") && m.has("token_url")) {
            values.problems().add(m.keyNode("token_url"), m.child("token_url"), "provider and token_url exclude each other");
        } else if (!m.has("provider") && !m.has("token_url")) {
            values.problems().add(m.node(), path, "missing provider (google or microsoft) or token_url");
        }
        String clientId = m.required("client_id").flatMap(n -> values.text(n, m.child("client_id"))).orElse(null);
        Optional<SecretSource> clientSecret = eitherOf(m, "client_secret", "client_secret_file", false);
        Optional<SecretSource> refreshToken = eitherOf(m, "refresh_token", "refresh_token_file", true);
        Optional<Path> refreshTokenFile = m.value("refresh_token_file").flatMap(n -> values.path(n, m.child("refresh_token_file")));
        Optional<String> scope = m.value("scope").flatMap(n -> values.text(n, m.child("scope")));
        if (values.problems().count() > before) {
            return Optional.empty();
        }
        Optional<OAuth2Provider> preset = provider.flatMap(OAuth2Provider::byId);
        return Optional.of(new Account.OAuth2(provider, tokenUrl.or(() -> preset.map(OAuth2Provider::tokenUrl)),
                clientId, clientSecret, refreshToken.orElseThrow(),
                refreshTokenFile, scope.or(() -> preset.map(OAuth2Provider::scope))));
    }

    /** {@code key} (a literal) or {@code fileKey} (a path), not both; required or optional. */
    private Optional<SecretSource> eitherOf(YamlMap m, String key, String fileKey, boolean required) {
        if (m.has(key) && m.has(fileKey)) {
            values.problems().add(m.keyNode(fileKey), m.child(fileKey), key + " and " + fileKey + " exclude each other");
            return Optional.empty();
        }
        if (m.has(key)) {
            return m.value(key).flatMap(n -> values.secret(n, m.child(key))).map(SecretSource.Literal::new);
        }
        if (m.has(fileKey)) {
            Node n = m.value(fileKey).orElseThrow();
            return values.path(n, m.child(fileKey)).map(p -> {
                SecretBinder.noteUnread(values, n, m.child(fileKey), "the file " + p + " is not read");
                return new SecretSource.FromFile(p);
            });
        }
        if (required) {
            values.problems().add(m.node(), m.path(), "missing " + key + " or " + fileKey);
        }
        return Optional.empty();
    }

    /**
     * An {@code https://} URL; plain {@code http://} only to a loopback address (a local token
     * broker), by the same rule as {@code tls: none}.
     */
    private static String tokenUrl(String text) throws BadValue {
        if (text.startsWith("http://") && isLoopbackUrl(text)) {
            return text;
        }
        if (!text.startsWith("https://") || text.length() == "https://".length()) {
            throw BadValue.expected("an https:// URL", text);
        }
        return text;
    }

    private static boolean isLoopbackUrl(String text) {
        try {
            String host = java.net.URI.create(text).getHost();
            return host != null && Loopback.isLoopback(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
