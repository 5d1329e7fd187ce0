package org.mailtidy.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.mailtidy.files.DurableFiles;

/**
 * The directory where mailtidy keeps what it must remember between runs and restarts (per-mailbox
 * caches and journals). The contract has no key for it; it is found the way a service expects:
 * {@code --state-dir}, else {@code $MAILTIDY_STATE_DIR}, else systemd's {@code $STATE_DIRECTORY}
 * (the unit's {@code StateDirectory=mailtidy}: /var/lib/mailtidy), else
 * {@code $XDG_STATE_HOME/mailtidy}, else {@code ~/.local/state/mailtidy}. The word {@code none}
 * turns it off: mailtidy then keeps nothing between runs.
 */
public record StateDir(Path root) {

    public static final String NONE = "none";

    /** The state directory for an explicit choice ({@code null}: not given) and this environment. */
    public static Optional<StateDir> resolve(String explicit, Map<String, String> env) {
        String chosen = explicit != null ? explicit : firstSet(env, "MAILTIDY_STATE_DIR");
        if (chosen != null) {
            return chosen.equals(NONE) ? Optional.empty() : Optional.of(new StateDir(Path.of(chosen)));
        }
        String systemd = firstSet(env, "STATE_DIRECTORY");
        if (systemd != null) {
            // systemd lists one directory per StateDirectory= entry, separated by colons
            return Optional.of(new StateDir(Path.of(systemd.split(":", 2)[0])));
        }
        String xdg = firstSet(env, "XDG_STATE_HOME");
        if (xdg != null) {
            return Optional.of(new StateDir(Path.of(xdg, "mailtidy")));
        }
        String home = firstSet(env, "HOME");
        return home == null ? Optional.empty() : Optional.of(new StateDir(Path.of(home, ".local", "state", "mailtidy")));
    }

    private static String firstSet(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * A file for one mailbox of one account, e.g. {@code cache/<account>/<hex of the mailbox name>.bin}:
     * mailbox names may hold any character, so they are hex-encoded rather than escaped.
     */
    public Path mailboxFile(String kind, String account, String mailbox, String suffix) {
        String name = HexFormat.of().formatHex(mailbox.getBytes(StandardCharsets.UTF_8));
        return accountDir(root.resolve(kind), account).resolve(name + suffix);
    }

    /**
     * {@code <account>}, or for a user of a group {@code <group>/users/<hex of the login>}: a login
     * comes from a users file or command and may hold {@code /} or {@code ..}, which must never
     * lead out of the state directory.
     */
    private static Path accountDir(Path base, String account) {
        int slash = account.indexOf('/');
        if (slash < 0) {
            return base.resolve(account);
        }
        byte[] login = account.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
        String encoded = login.length <= 100 ? HexFormat.of().formatHex(login) : "sha256-" + sha256(login);
        return base.resolve(account.substring(0, slash)).resolve("users").resolve(encoded);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Creates the directory and its missing parents, owner-only (0700) whatever the umask. */
    public Path ensure(Path dir) throws java.io.IOException {
        return DurableFiles.SYSTEM.directories(dir);
    }
}
