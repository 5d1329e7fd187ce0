package org.mailtidy.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.mailtidy.config.AccountGroup;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigException;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.UserLists;
import org.mailtidy.engine.AuditLog;
import org.mailtidy.engine.RunSettings;
import org.mailtidy.engine.StateDir;
import org.mailtidy.schedule.JobPlan;
import org.mailtidy.schedule.Loaded;

/**
 * The daemon's configuration file: read with its groups' user lists into a {@link Loaded}, and
 * a digest that tells a real change from an editor's touch.
 */
final class ConfigFile {
    private final Path path;
    private final Clock clock;
    private final Optional<StateDir> state;

    ConfigFile(Path path, Clock clock, Optional<StateDir> state) {
        this.path = path;
        this.clock = clock;
        this.state = state;
    }

    Path path() {
        return path;
    }

    /** Whether the file's bytes are those {@code running} was read from (an unreadable file is not). */
    boolean unchangedFrom(Loaded running) {
        byte[] bytes = readQuietly();
        return bytes != null && digest(bytes).equals(running.digest());
    }

    /** Reads the file; {@code previous} (if any) keeps its audit log and stands in for a group list that cannot be read. */
    Loaded load(Loaded previous) throws ConfigException {
        Instant modified = modifiedQuietly();
        byte[] bytes = readQuietly();
        // a group's list that cannot be read now keeps the running one (contract)
        Config config = ConfigLoader.load(path, previous == null ? UserLists.Fallback.NONE
                : UserLists.Fallback.of(previous.config()));
        Optional<AuditLog> audit = config.audit().map(a -> previous != null && previous.settings().audit()
                .filter(l -> l.file().equals(a.file())).isPresent() ? previous.settings().audit().get()
                : new AuditLog(a.file()));
        JobPlan plan = JobPlan.of(config);
        return new Loaded(config, plan, RunSettings.from(config, false, audit, state), clock.instant(),
                bytes == null ? "" : digest(withUsers(bytes, config)), latest(modified, config));
    }

    /**
     * The file's bytes and every group's users: in a cluster the digest tells nodes with another list
     * apart, as it does nodes with another file (a node never applies a plan of other users).
     */
    private static byte[] withUsers(byte[] bytes, Config config) {
        if (config.groups().isEmpty()) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        for (String group : config.groups().keySet()) {
            out.writeBytes(("\0" + group + "\0" + String.join("\n", config.logins(group)))
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The latest modification of the file and the groups' users files: a newer list makes a newer configuration. */
    private static Instant latest(Instant fileModified, Config config) {
        Instant latest = fileModified;
        for (AccountGroup g : config.groups().values()) {
            Optional<Path> file = g.users().file();
            if (file.isPresent()) {
                try {
                    Instant m = Files.getLastModifiedTime(file.get()).toInstant();
                    latest = m.isAfter(latest) ? m : latest;
                } catch (IOException e) {
                    // the last good list is in use; its file's time is unknown
                }
            }
        }
        return latest;
    }

    private Instant modifiedQuietly() {
        try {
            return Files.getLastModifiedTime(path).toInstant();
        } catch (IOException e) {
            return clock.instant();
        }
    }

    private byte[] readQuietly() {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            return null;
        }
    }

    static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
