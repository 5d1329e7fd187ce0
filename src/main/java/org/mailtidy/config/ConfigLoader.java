package org.mailtidy.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a configuration file (contract: docs/configuration.md) in two phases: SnakeYAML composes
 * a node tree with positions, then a binder turns it into {@link Config}, reporting every problem
 * at once with file, line, column and key path.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Reads {@code file}; {@code ${NAME}} expands from the process environment. Each group's
     * {@code users_file} is read and {@code users_command} run ({@link UserLists}).
     */
    public static Config load(Path file) throws ConfigException {
        return load(read(file), file, System.getenv());
    }

    /** As {@link #load(Path)}; a group whose list cannot be read keeps the one {@code fallback} has (the daemon's). */
    public static Config load(Path file, UserLists.Fallback fallback) throws ConfigException {
        Checked c = bind(read(file), file, System.getenv(), true);
        return UserLists.expand(c.config(), fallback, UserLists.Mode.READ_ALL, new java.util.ArrayList<>());
    }

    /**
     * A configuration read for {@code check --no-secrets}, and the secrets not looked at. Its
     * unset secrets stand for a placeholder: such a configuration checks, it does not log in.
     */
    public record Checked(Config config, List<SecretNotChecked> notChecked) {
        public Checked {
            notChecked = List.copyOf(notChecked);
        }
    }

    /**
     * Reads {@code file} as {@link #load(Path)} does, except that secrets need not exist: an unset
     * {@code ${NAME}} in a password, client secret or refresh token, a password file and a password
     * command are listed as not checked instead (contract: {@code check --no-secrets}).
     */
    public static Checked loadWithoutSecrets(Path file) throws ConfigException {
        return loadWithoutSecrets(read(file), file, System.getenv());
    }

    /** As {@link #loadWithoutSecrets(Path)} on configuration text, with {@code env} as the environment. */
    public static Checked loadWithoutSecrets(String yaml, Path nameForMessages, Map<String, String> env)
            throws ConfigException {
        Checked c = bind(yaml, nameForMessages, env, false);
        List<SecretNotChecked> notChecked = new java.util.ArrayList<>(c.notChecked());
        Config expanded = UserLists.expand(c.config(), UserLists.Fallback.NONE, UserLists.Mode.NO_COMMANDS, notChecked);
        return new Checked(expanded, notChecked);
    }

    /**
     * Reads configuration text; {@code nameForMessages} names it in errors and becomes
     * {@link Config#file()}; {@code env} replaces the process environment for {@code ${NAME}}.
     */
    public static Config load(String yaml, Path nameForMessages, Map<String, String> env) throws ConfigException {
        return UserLists.expand(bind(yaml, nameForMessages, env, true).config(), UserLists.Fallback.NONE,
                UserLists.Mode.READ_ALL, new java.util.ArrayList<>());
    }

    private static Checked bind(String yaml, Path nameForMessages, Map<String, String> env, boolean secretsNeeded)
            throws ConfigException {
        if (yaml.length() > YamlDocument.MAX_BYTES || utf8Length(yaml) > YamlDocument.MAX_BYTES) {
            throw tooLarge(nameForMessages, utf8Length(yaml));
        }
        Problems problems = new Problems(nameForMessages);
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        Optional<Node> root = YamlDocument.compose(text, problems);
        Values values = new Values(problems, env, secretsNeeded);
        Optional<Config> config = root.flatMap(r -> new ConfigBinder(nameForMessages, values).bind(r));
        problems.throwIfAny();
        return new Checked(config.orElseThrow(() -> new IllegalStateException("binder failed without a problem")),
                values.notChecked());
    }

    private static String read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > YamlDocument.MAX_BYTES) {
                throw tooLarge(file, Files.size(file));
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigError(file, 0, 0, "", "no such file")));
        } catch (AccessDeniedException e) {
            throw new ConfigException(List.of(new ConfigError(file, 0, 0, "", "cannot read the file: permission denied")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file, 0, 0, "", "cannot read the file: " + e.getMessage())));
        }
        if (bytes.length > YamlDocument.MAX_BYTES) {
            throw tooLarge(file, bytes.length);
        }
        return decode(bytes, file);
    }

    private static ConfigException tooLarge(Path file, long size) {
        return new ConfigException(List.of(new ConfigError(file, 1, 1, "", "file too large: " + size
                + " bytes; a configuration file may have at most " + YamlDocument.MAX_BYTES + " bytes (1 MB)")));
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** Strict UTF-8: a stray Latin-1 byte is reported with its position instead of becoming U+FFFD. */
    private static String decode(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(List.of(new ConfigError(file, line, at - lineStart + 1, "",
                    "the file is not valid UTF-8 (save it as UTF-8)")));
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
