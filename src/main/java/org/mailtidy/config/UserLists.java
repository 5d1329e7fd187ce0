package org.mailtidy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills in the users of each {@link AccountGroup}: reads its {@code users_file} or runs its
 * {@code users_command} (one login per line; blank lines and {@code #} comments skipped) and puts
 * one account {@code GROUP/LOGIN} per login in the configuration, in the list's order.
 *
 * <p>A list that cannot be read, or that has a bad line, is a configuration error (file, line and
 * column: of the key in the configuration when the list cannot be read, of the line in the users
 * file otherwise), unless a {@link Fallback} has the group's last good list: the daemon keeps that
 * and says so (contract: "a user file that cannot be read keeps the last good list in the daemon").
 */
public final class UserLists {
    private static final Logger LOG = LoggerFactory.getLogger(UserLists.class);
    /** 10 million logins of 30 bytes: anything longer is not a user list. */
    static final long MAX_BYTES = 320L << 20;
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** The daemon's last good list of a group (same id, same source), if it has one. */
    @FunctionalInterface
    public interface Fallback {
        Optional<List<String>> lastGood(AccountGroup group);

        Fallback NONE = g -> Optional.empty();

        /** The lists of {@code previous} (the running configuration), for groups whose source is unchanged. */
        static Fallback of(Config previous) {
            return g -> {
                AccountGroup before = previous.groups().get(g.id());
                return before != null && before.users().equals(g.users()) ? Optional.of(previous.logins(g.id()))
                        : Optional.empty();
            };
        }
    }

    /** Whether commands may run: not for {@code check --no-secrets}, which notes them instead. */
    enum Mode { READ_ALL, NO_COMMANDS }

    private UserLists() {
    }

    /** {@code config} with each group's users in place of the group; throws with every problem. */
    static Config expand(Config config, Fallback fallback, Mode mode, List<SecretNotChecked> notChecked)
            throws ConfigException {
        if (config.groups().isEmpty()) {
            return config;
        }
        Map<String, Account> accounts = new LinkedHashMap<>();
        List<ConfigError> errors = new ArrayList<>();
        for (Map.Entry<String, Account> e : config.accounts().entrySet()) {
            accounts.put(e.getKey(), e.getValue());
        }
        for (AccountGroup group : config.groups().values()) {
            Optional<String> unknown = mode != Mode.NO_COMMANDS ? Optional.empty() : group.users().match(
                    f -> Files.exists(f.path()) ? Optional.empty()
                            : Optional.of("the file " + f.path() + " does not exist here"),
                    c -> Optional.of("the command " + c.shown() + " is not run"));
            if (unknown.isPresent()) {
                notChecked.add(new SecretNotChecked(group.keyPath(), group.line(), unknown.get() + ": the users of "
                        + group.id() + " are not known"));
                continue;
            }
            List<ConfigError> problems = new ArrayList<>();
            List<String> logins = read(config.file(), group, problems);
            if (!problems.isEmpty()) {
                Optional<List<String>> kept = fallback.lastGood(group);
                if (kept.isEmpty()) {
                    errors.addAll(problems);
                    continue;
                }
                LOG.warn("{}: keeping the last good list of {} users: {}", group.id(), kept.get().size(),
                        problems.size() == 1 ? problems.get(0) : problems.get(0) + " (and " + (problems.size() - 1)
                                + " more problems)");
                logins = kept.get();
            }
            for (String login : logins) {
                accounts.put(AccountGroup.memberId(group.id(), login), group.member(login));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config.withAccounts(accounts);
    }

    /** The logins of one group; problems go to {@code problems}. */
    static List<String> read(Path configFile, AccountGroup group, List<ConfigError> problems) {
        String text;
        Path shownFile = group.users().file().orElse(null);
        try {
            text = group.users().<String, IOException>match(f -> readFile(f.path()), UserLists::run);
        } catch (IOException e) {
            problems.add(new ConfigError(configFile, group.line(), group.column(), group.keyPath(), e.getMessage()));
            return List.of();
        }
        return parse(text, (line, column, message) -> problems.add(shownFile != null
                ? new ConfigError(shownFile, line, column, "", message)
                : new ConfigError(configFile, group.line(), group.column(), group.keyPath(),
                        "line " + line + " of the command's output: " + message)));
    }

    /** Where a line of a list is wrong. */
    interface LineProblems {
        void add(int line, int column, String message);
    }

    /** One login per line: surrounding blanks trimmed, blank lines and {@code #} comments skipped. */
    static List<String> parse(String text, LineProblems problems) {
        List<String> logins = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String login = raw.strip();
            if (login.isEmpty() || login.startsWith("#")) {
                continue;
            }
            int column = raw.indexOf(login.charAt(0)) + 1;
            int bad = firstBadChar(login);
            if (bad >= 0) {
                char c = login.charAt(bad);
                problems.add(i + 1, column + bad, "a login is one word: " + Text.quote(login) + " contains "
                        + (Character.isWhitespace(c) ? "a space" : "a control character")
                        + (c == ' ' || c == '\t' ? " (comments start a line with #)" : ""));
                continue;
            }
            Integer first = seen.putIfAbsent(login, i + 1);
            if (first != null) {
                problems.add(i + 1, column, "duplicate login " + Text.quote(login) + "; first at line " + first);
                continue;
            }
            logins.add(login);
        }
        return logins;
    }

    private static int firstBadChar(String login) {
        for (int i = 0; i < login.length(); i++) {
            char c = login.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String readFile(Path path) throws IOException {
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new IOException("users_file " + path + " is larger than " + (MAX_BYTES >> 20) + " MB");
            }
            return decode(Files.readAllBytes(path), "users_file " + path);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read users_file " + path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read users_file " + path + ": permission denied");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("users_file")) {
                throw e;
            }
            throw new IOException("cannot read users_file " + path + ": " + e.getMessage());
        }
    }

    private static String decode(byte[] bytes, String what) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(what + " is not valid UTF-8");
        }
    }

    /** The command's stdout, with the environment a password command gets ({@link Secrets#COMMAND_ENVIRONMENT}). */
    private static String run(UserSource.FromCommand command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().retainAll(Secrets.COMMAND_ENVIRONMENT);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("users_command " + command.shown() + " could not be started: " + e.getMessage());
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream(), MAX_BYTES));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream(), 2000));
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("users_command " + command.shown() + " did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + "s");
            }
            byte[] stdout = out.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (process.exitValue() != 0) {
                String stderr = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
                throw new IOException("users_command " + command.shown() + " failed with exit status "
                        + process.exitValue() + (stderr.isEmpty() ? "" : ": " + firstLine(stderr)));
            }
            if (stdout.length >= MAX_BYTES) {
                throw new IOException("users_command " + command.shown() + " printed more than " + (MAX_BYTES >> 20)
                        + " MB");
            }
            return decode(stdout, "the output of users_command " + command.shown());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("users_command " + command.shown() + " was interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("users_command " + command.shown() + ": its output could not be read");
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static byte[] drain(InputStream in, long max) {
        try (in) {
            byte[] head = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max));
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return head;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
