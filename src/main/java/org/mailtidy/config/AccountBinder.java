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
            "connect_timeout", "read_timeout", "command_timeout", "login_timeout", "max_message_size", "max_messages",
            "users_file", "users_command", "master_user");
    private static final YamlMap.Keys OAUTH2_KEYS = YamlMap.Keys.of("provider", "token_url", "client_id",
            "client_secret", "client_secret_file", "refresh_token", "refresh_token_file", "scope");
    private static final List<String> TLS = List.of("implicit", "starttls", "none");
    private static final List<String> AUTH = List.of("login", "xoauth2", "oauthbearer");
    private static final List<String> PROVIDERS = List.of("google", "microsoft");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern HOST = Pattern.compile("[^\\s/@]+");

    private static final String COMMAND_EXAMPLE = "strings (the command and its arguments), such as [doveadm, user, '*']";

    private final Values values;
    private final java.util.Map<String, AccountGroup> groups;

    AccountBinder(Values values) {
        this(values, new java.util.LinkedHashMap<>());
    }

    /** Groups ({@code users_file}/{@code users_command}) go to {@code groups} instead of being returned. */
    AccountBinder(Values values, java.util.Map<String, AccountGroup> groups) {
        this.values = values;
        this.groups = groups;
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
        Optional<UserSource> users = users(m);
        String username = users.isPresent() || m.has("users_file") || m.has("users_command") ? masterUser(m)
                : m.required("username").flatMap(n -> values.text(n, m.child("username"))).orElse(null);
        if (m.has("master_user") && !m.has("users_file") && !m.has("users_command")) {
            values.problems().add(m.keyNode("master_user"), m.child("master_user"),
                    "master_user logs in for the users of users_file or users_command; add one of them, or remove master_user");
        }
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
        if ((m.has("users_file") || m.has("users_command")) && auth != Account.AuthMechanism.LOGIN) {
            Node at = m.value("auth").orElseGet(() -> m.keyNode("oauth2"));
            values.problems().add(at, m.has("auth") ? m.child("auth") : m.child("oauth2"), "the users of a group log in"
                    + " through master_user with AUTHENTICATE PLAIN (RFC 4616); remove auth and oauth2");
        }
        if (values.problems().count() > before) {
            return Optional.empty();
        }
        Account account = new Account(id, host, port, tls, username, secret, auth, oauth2, trash, allowPlaintext,
                caFile, connect, read, limits);
        if (users.isPresent()) {
            String key = m.has("users_file") ? "users_file" : "users_command";
            Node usersKey = m.keyNode(key);
            groups.put(id, new AccountGroup(id, account, users.get(), usersKey.getStartMark().getLine() + 1,
                    usersKey.getStartMark().getColumn() + 1, m.child(key)));
            return Optional.empty();
        }
        return Optional.of(account);
    }

    /** {@code users_file} or {@code users_command}, not both, and not with {@code username}. */
    private Optional<UserSource> users(YamlMap m) {
        if (!m.has("users_file") && !m.has("users_command")) {
            return Optional.empty();
        }
        if (m.has("users_file") && m.has("users_command")) {
            values.problems().add(m.keyNode("users_command"), m.child("users_command"),
                    "users_file and users_command exclude each other");
            return Optional.empty();
        }
        String key = m.has("users_file") ? "users_file" : "users_command";
        if (m.has("username")) {
            values.problems().add(m.keyNode("username"), m.child("username"), "an account with " + key
                    + " logs in as each listed user through master_user; remove username");
            return Optional.empty();
        }
        Node n = m.value(key).orElseThrow();
        if (key.equals("users_file")) {
            return values.path(n, m.child(key)).map(UserSource.FromFile::new);
        }
        Optional<List<Node>> items = values.list(n, m.child(key), COMMAND_EXAMPLE);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            values.problems().add(n, m.child(key), "expected a list of " + COMMAND_EXAMPLE + ", got an empty list");
            return Optional.empty();
        }
        List<String> shown = items.get().stream()
                .map(i -> i instanceof org.yaml.snakeyaml.nodes.ScalarNode s ? s.getValue() : "?").toList();
        return values.oneOrMany(n, m.child(key), "a string", t -> t).map(argv -> new UserSource.FromCommand(argv, shown));
    }

    /** The master login of a group: required. */
    private String masterUser(YamlMap m) {
        if (!m.has("master_user")) {
            values.problems().add(m.node(), m.path(), "missing master_user: the users of "
                    + (m.has("users_file") ? "users_file" : "users_command")
                    + " log in through a master (proxy) login, AUTHENTICATE PLAIN with the user as authorization id");
            return null;
        }
        return m.value("master_user").flatMap(n -> values.text(n, m.child("master_user"))).orElse(null);
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
