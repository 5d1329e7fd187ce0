package org.mailtidy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a secret at the moment it is needed (connecting), never while loading or checking the
 * configuration: {@code check} must not run a password command.
 */
public final class Secrets {

    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
    /** A secret is a line, not a file: more than this is a misconfigured source. */
    private static final int MAX_SECRET_BYTES = 64 * 1024;
    private static final Set<PosixFilePermission> GROUP_OR_OTHER_READ =
            EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    /**
     * What a {@code password_command} inherits from mailtidy's environment: enough to find
     * programs, the user's files, the locale, and the agents that password managers talk to (gpg
     * for pass, the session bus for secret-tool). Nothing else: mailtidy's environment holds the
     * other accounts' secrets ({@code ${NAME}} in the file). A command that needs more names it
     * itself, e.g. {@code [env, "VAULT_ADDR=https://vault.example.org", vault, read, ...]}.
     */
    static final Set<String> COMMAND_ENVIRONMENT = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
            "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR", "XDG_RUNTIME_DIR", "GNUPGHOME", "DBUS_SESSION_BUS_ADDRESS",
            "PASSWORD_STORE_DIR");

    private Secrets() {
    }

    public static String read(SecretSource source, Duration timeout) throws SecretException {
        return source.<String, SecretException>match(SecretSource.Literal::value, f -> fromFile(f.path()),
                c -> fromCommand(c, timeout), none -> {
                    throw new SecretException("no password is configured (the oauth2 block supplies the token)");
                });
    }

    private static String fromFile(Path path) throws SecretException {
        warnIfReadableByOthers(path);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_SECRET_BYTES);
        } catch (IOException e) {
            throw new SecretException("cannot read password file " + path + ": " + e.getClass().getSimpleName());
        }
        String first = firstLine(new String(bytes, StandardCharsets.UTF_8));
        if (first.isEmpty()) {
            throw new SecretException("password file " + path + " is empty");
        }
        return first;
    }

    private static void warnIfReadableByOthers(Path path) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.stream().anyMatch(GROUP_OR_OTHER_READ::contains)) {
                LOG.warn("password file {} is readable by group or others; restrict it with chmod 600", path);
            }
        } catch (IOException e) {
            // Reading the file itself reports the problem.
        }
    }

    private static String firstLine(String s) {
        int end = s.indexOf('\n');
        String line = end < 0 ? s : s.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String fromCommand(SecretSource.FromCommand command, Duration timeout) throws SecretException {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command.argv())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = builder.environment();
            env.keySet().retainAll(COMMAND_ENVIRONMENT);
            process = builder.start();
        } catch (IOException e) {
            throw new SecretException(command + " could not be started: " + e.getMessage());
        }
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readStdout(process));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SecretException(command + " did not finish within " + shortly(timeout));
            }
            byte[] bytes = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (process.exitValue() != 0) {
                throw new SecretException(command + " failed with exit status " + process.exitValue());
            }
            String secret = trimTrailingNewline(new String(bytes, StandardCharsets.UTF_8));
            if (secret.isEmpty()) {
                throw new SecretException(command + " printed nothing");
            }
            return secret;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretException(command + " was interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new SecretException(command + " did not finish within " + shortly(timeout));
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String shortly(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static byte[] readStdout(Process process) {
        try (InputStream in = process.getInputStream()) {
            byte[] head = in.readNBytes(MAX_SECRET_BYTES);
            // Drain the rest so that a chatty command does not block on a full pipe.
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return head;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String trimTrailingNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
