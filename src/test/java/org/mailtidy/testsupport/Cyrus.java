package org.mailtidy.testsupport;

import static org.mailtidy.testsupport.ServerProcesses.awaitImapGreeting;
import static org.mailtidy.testsupport.ServerProcesses.deleteRecursively;
import static org.mailtidy.testsupport.ServerProcesses.freePort;
import static org.mailtidy.testsupport.ServerProcesses.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailtidy.imap.ConnectionSettings;

/**
 * A private Cyrus IMAP 3.6 for tests, started once per test JVM on first use and stopped by a
 * shutdown hook. Debian's {@code cyrus-imapd} conflicts with {@code dovecot-imapd}, so
 * {@code bin/install-cyrus} (run by {@code bin/test}) installs only the packages that conflict with
 * nothing and unpacks {@code imapd} of the same version into a private directory
 * ({@code MAILTIDY_CYRUS_DIR}); this runs Debian's {@code master} with that {@code imapd}.
 *
 * <p>Config, databases and spool live under {@code target/cyrus/}; only the Unix sockets, locks and
 * process files are under {@code /tmp/mt-cy-<random>/}, because socket paths must stay under about
 * 107 bytes. Users are in a private sasldb; {@code altnamespace} and {@code unixhierarchysep} make
 * the personal namespace {@code "" "/"} as on Dovecot; plain-text LOGIN is allowed (loopback only).
 * As root, {@code master} switches to the {@code cyrus} user, which then owns the state. Mail is
 * loaded with MULTIAPPEND (Cyrus keeps its own index, so its spool cannot be written directly).
 * {@code Trash} is created as the special-use {@code \Trash} mailbox: Cyrus has special-use only
 * where {@code CREATE ... (USE (\Trash))} asked for it.
 */
public final class Cyrus implements MailServer {
    private static final Path MASTER = Path.of("/usr/lib/cyrus/bin/master");
    private static final Path SASLPASSWD = Path.of("/usr/sbin/saslpasswd2");
    /** The realm sasldb users are stored in: Cyrus asks SASL for {@code user@servername}. */
    private static final String SERVERNAME = "localhost";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static Cyrus instance;

    private final Path home;
    private final Path runDir;
    private final Path sasldb;
    private final int port;
    private final String cyrusUser;
    private Process master;

    private Cyrus(Path home, Path runDir, int port, String cyrusUser) {
        this.home = home;
        this.runDir = runDir;
        this.sasldb = home.resolve("sasldb2");
        this.port = port;
        this.cyrusUser = cyrusUser;
    }

    /** The shared instance; started on first call. Fails (never skips) when Cyrus is missing. */
    public static synchronized Cyrus get() {
        if (instance == null) {
            Path imapd = imapd();
            try {
                instance = start(imapd);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test Cyrus: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    @Override
    public String name() {
        return "cyrus";
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public static String password(String user) {
        return "pw-" + user;
    }

    /** A login listed in {@code proxyservers}: it may log in as any user (SASL PLAIN authorization id). */
    public static final String MASTER_USER = "mailtidy-master";
    public static final String MASTER_PASSWORD = "master-pw";

    /** Makes {@link #MASTER_USER} (idempotent), and a user without logging in as it (no INBOX is made). */
    public synchronized void addMasterUser() {
        run(MASTER_PASSWORD.getBytes(StandardCharsets.UTF_8), List.of(SASLPASSWD.toString(), "-p", "-f",
                sasldb.toString(), "-u", SERVERNAME, "-c", MASTER_USER));
        chown(sasldb);
    }

    /** Synchronized: saslpasswd2 writes one shared database file. */
    @Override
    public synchronized String newUser(String prefix) {
        String name = prefix.toLowerCase(java.util.Locale.ROOT) + "-" + USERS.incrementAndGet() + "-"
                + ProcessHandle.current().pid();
        run(password(name).getBytes(StandardCharsets.UTF_8), List.of(SASLPASSWD.toString(), "-p", "-f",
                sasldb.toString(), "-u", SERVERNAME, "-c", name));
        chown(sasldb);
        // the first login creates INBOX (autocreate_quota)
        try (PlainImapClient c = client(name)) {
            c.command("NOOP");
        }
        return name;
    }

    /** Plain text on loopback (allowplaintext). */
    @Override
    public ConnectionSettings settings(String user) {
        return ConnectionSettings.login(host(), port, ConnectionSettings.Security.NONE, user, password(user));
    }

    /** {@code Trash} becomes the special-use {@code \Trash} mailbox (RFC 6154), as Dovecot's fixture has it. */
    @Override
    public void createMailbox(String user, String mailbox) {
        if (mailbox.equalsIgnoreCase("INBOX")) {
            return;
        }
        try (PlainImapClient c = client(user)) {
            c.create(mailbox, mailbox.equals("Trash") ? " (USE (\\Trash))" : "");
        }
    }

    @Override
    public void load(String user, String mailbox, List<TestMessage> messages) {
        createMailbox(user, mailbox);
        try (PlainImapClient c = client(user)) {
            c.appendAll(mailbox, messages, true);
        }
    }

    @Override
    public List<StoredMessage> fetch(String user, String mailbox) {
        try (PlainImapClient c = client(user)) {
            return c.fetchAll(mailbox);
        }
    }

    @Override
    public void addFlags(String user, String mailbox, long uid, String... flags) {
        try (PlainImapClient c = client(user)) {
            c.command("SELECT " + PlainImapClient.mailboxName(mailbox));
            c.command("UID STORE " + uid + " +FLAGS.SILENT (" + String.join(" ", flags) + ")");
        }
    }

    /** A session of the user through the fixture's own client (another client, to mailtidy). */
    public PlainImapClient client(String user) {
        return PlainImapClient.login(host(), port, user, password(user));
    }

    // ---- start-up ----

    /** The unpacked {@code imapd}; fails with what to run when it or Debian's cyrus-common is missing. */
    private static Path imapd() {
        String configured = System.getenv("MAILTIDY_CYRUS_DIR");
        boolean root = "0".equals(run(null, List.of("id", "-u")).trim());
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : root ? Path.of("/var/cache/mailtidy/cyrus-imapd")
                : Path.of(System.getProperty("user.home"), ".cache/mailtidy/cyrus-imapd");
        Path imapd = dir.resolve("usr/lib/cyrus/bin/imapd");
        if (!Files.isExecutable(imapd) || !Files.isExecutable(MASTER) || !Files.isExecutable(SASLPASSWD)) {
            throw new IllegalStateException("Cyrus IMAP is not installed for the tests (" + imapd + ", " + MASTER
                    + " or " + SASLPASSWD + " missing). The tests tagged 'cyrus' need it: run the project's test"
                    + " script bin/test, or bin/install-cyrus alone, which installs it beside Dovecot");
        }
        return imapd;
    }

    private static Cyrus start(Path imapd) throws IOException {
        Path home = Path.of("target", "cyrus").toAbsolutePath();
        deleteRecursively(home);
        for (String d : List.of("conf", "spool", "sieve")) {
            Files.createDirectories(home.resolve(d));
        }
        Path runDir = Files.createTempDirectory(Path.of("/tmp"), "mt-cy-");
        for (String d : List.of("socket", "lock", "proc")) {
            Files.createDirectories(runDir.resolve(d));
        }
        boolean root = "0".equals(run(null, List.of("id", "-u")).trim());
        String user = root ? "cyrus" : run(null, List.of("id", "-un")).trim();
        Cyrus c = new Cyrus(home, runDir, freePort(), user);
        Files.writeString(home.resolve("imapd.conf"), c.imapdConf());
        Files.writeString(home.resolve("cyrus.conf"), c.cyrusConf(imapd));
        c.chown(home);
        c.chown(runDir);
        c.launch();
        Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "cyrus-stop"));
        awaitImapGreeting("Cyrus master", c.port, c.master, c::log);
        return c;
    }

    private String imapdConf() {
        return """
                # Rendered by org.mailtidy.testsupport.Cyrus for tests; not for production.
                configdirectory: %1$s/conf
                defaultpartition: default
                partition-default: %1$s/spool
                sievedir: %1$s/sieve
                servername: %3$s
                cyrus_user: %4$s
                sasl_pwcheck_method: auxprop
                sasl_auxprop_plugin: sasldb
                sasl_sasldb_path: %1$s/sasldb2
                sasl_mech_list: PLAIN LOGIN
                proxyservers: %5$s
                allowplaintext: yes
                altnamespace: yes
                unixhierarchysep: yes
                autocreate_quota: 0
                idlesocket: %2$s/socket/idle
                notifysocket: %2$s/socket/notify
                lmtpsocket: %2$s/socket/lmtp
                mboxname_lockpath: %2$s/lock
                proc_path: %2$s/proc
                master_pid_file: %2$s/master.pid
                syslog_prefix: mailtidy-test-cyrus
                """.formatted(home, runDir, SERVERNAME, cyrusUser, MASTER_USER);
    }

    /** imapd gets the config path itself: master does not pass its {@code -C} on. */
    private String cyrusConf(Path imapd) {
        return """
                START {
                  recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -C %1$s/imapd.conf -r"
                }
                SERVICES {
                  imap cmd="%2$s -C %1$s/imapd.conf" listen="127.0.0.1:%3$d" prefork=0 maxchild=50
                }
                EVENTS {
                }
                """.formatted(home, imapd, port);
    }

    /**
     * master stays in the foreground (no {@code -d}), so this JVM owns it and stops it. Its pid file
     * is given with {@code -p}: master locks it before reading {@code master_pid_file}, and the default
     * {@code /run/cyrus-master.pid} is already locked when another test JVM's Cyrus runs (exit 71).
     */
    private void launch() throws IOException {
        master = new ProcessBuilder(MASTER.toString(), "-C", home.resolve("imapd.conf").toString(), "-M",
                home.resolve("cyrus.conf").toString(), "-p", runDir.resolve("master.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("master.log").toFile()).start();
    }

    private void stop() {
        if (master == null) {
            return;
        }
        master.destroy(); // SIGTERM: master stops its imapd children
        try {
            if (!master.waitFor(10, TimeUnit.SECONDS)) {
                master.destroyForcibly();
            }
            deleteRecursively(runDir);
        } catch (IOException | InterruptedException e) {
            // the JVM is exiting; nothing more to do
        }
    }

    private String log() {
        try {
            return Files.readString(home.resolve("master.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void chown(Path path) {
        if (!cyrusUser.equals("cyrus")) {
            return; // not root: everything already belongs to the user that runs master
        }
        run(null, List.of("chown", "-R", "cyrus:mail", path.toString()));
    }
}
