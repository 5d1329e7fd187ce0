package org.mailtidy.testsupport;

import static org.mailtidy.testsupport.ServerProcesses.awaitImapGreeting;
import static org.mailtidy.testsupport.ServerProcesses.deleteRecursively;
import static org.mailtidy.testsupport.ServerProcesses.freePort;
import static org.mailtidy.testsupport.ServerProcesses.run;
import static org.mailtidy.testsupport.ServerProcesses.stopTree;
import static org.mailtidy.testsupport.ServerProcesses.tail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private GNU Mailutils 3.15 {@code imap4d} for tests, started once per test JVM on first use
 * and stopped by a shutdown hook; its own configuration file, users (virtual domain
 * {@value #DOMAIN}: log in as {@code user@mailtidy.test}) and Maildirs under
 * {@code target/mailutils/}. GSASL stays on, as in Debian's default build and configuration, so
 * the server offers {@code AUTH=PLAIN} and ends the OK line after {@code AUTHENTICATE PLAIN} with a
 * bare LF. No UIDPLUS, no MOVE, no keywords (PERMANENTFLAGS without {@code \*}); namespace
 * {@code "" "/"}.
 */
public final class Mailutils extends RawImapFixture {
    public static final String DOMAIN = "mailtidy.test";
    private static final Path IMAP4D = Path.of("/usr/sbin/imap4d");
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final DateTimeFormatter IMAP_DATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    private static Mailutils instance;

    private final Path home;
    private final String passwordHash;
    private Process process;

    private Mailutils(Path home, int port, String passwordHash) {
        super(port);
        this.home = home;
        this.passwordHash = passwordHash;
    }

    /** The shared instance; started on first call. Fails (never skips) when it cannot start. */
    public static synchronized Mailutils get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot start the test GNU Mailutils imap4d (run bin/test once, "
                        + "which installs mailutils-imap4d): " + e.getMessage(), e);
            }
        }
        return instance;
    }

    @Override
    String passwordOf(String user) {
        return password(user);
    }

    @Override
    public String name() {
        return "mailutils";
    }

    public static String password(String user) {
        return "mailutils-test-password";
    }

    /** Returns the login, {@code name@mailtidy.test}. */
    @Override
    public synchronized String newUser(String prefix) {
        String name = prefix + "-" + USERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
        try {
            Path userHome = home.resolve("mail").resolve(name);
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(userHome.resolve("INBOX").resolve(sub));
            }
            Files.createDirectories(userHome.resolve("mail"));
            // virtdomain: passwd(5) lines, one file per domain; imap4d reads it at every login
            Files.writeString(home.resolve("passwd").resolve(DOMAIN),
                    name + ":" + passwordHash + ":0:0::" + userHome + ":/bin/sh\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return name + "@" + DOMAIN;
    }

    /**
     * APPENDs every message (INTERNALDATE kept), then stores the system flags: imap4d 3.15 accepts
     * APPEND's flag list but does not keep it. Keywords are dropped (this server stores none).
     */
    @Override
    public void load(String user, String mailbox, List<TestMessage> messages) {
        createMailbox(user, mailbox);
        String name = RawImap.quote(mailbox);
        try (RawImap c = login(user)) {
            for (TestMessage m : messages) {
                c.append(name, "()", IMAP_DATE.format(m.internalDate().atOffset(ZoneOffset.UTC)), m.toBytes());
            }
            // by message sequence number in one SELECT: imap4d 3.15 answered UID STORE of a message
            // that an earlier EXAMINE had numbered with BAD "Failed to parse message set"
            int exists = (int) c.command("SELECT " + name).stream().filter(l -> l.endsWith(" EXISTS")).mapToLong(
                    l -> Long.parseLong(l.split(" ")[1])).findFirst().orElseThrow();
            for (int i = 0; i < messages.size(); i++) {
                String flags = String.join(" ", messages.get(i).flags().stream().filter(f -> f.startsWith("\\")).toList());
                if (!flags.isEmpty()) {
                    c.command("STORE " + (exists - messages.size() + i + 1) + " +FLAGS.SILENT (" + flags + ")");
                }
            }
        }
    }

    public Path logFile() {
        return home.resolve("imap4d.log");
    }

    // ---- start-up ----

    private static Mailutils start() throws IOException {
        if (!Files.isExecutable(IMAP4D)) {
            throw new IOException(IMAP4D + " is missing (Debian: apt-get install mailutils-imap4d)");
        }
        Path home = Path.of("target", "mailutils").toAbsolutePath();
        deleteRecursively(home);
        Files.createDirectories(home.resolve("passwd"));
        Files.createDirectories(home.resolve("mail"));
        String hash = run(List.of("openssl", "passwd", "-6", password(null))).trim();
        Mailutils m = new Mailutils(home, freePort(), hash);
        Path config = home.resolve("imap4d.conf");
        // ${user} is the local part of the login; every path stays under target/mailutils
        Files.writeString(config, """
                # Rendered by org.mailtidy.testsupport.Mailutils for tests; not for production.
                logging { syslog false; };
                auth { authorization virtdomain; authentication generic; };
                virtdomain { passwd-dir "%1$s/passwd"; };
                mailbox { mailbox-type maildir; mailbox-pattern "maildir://%1$s/mail/${user}/INBOX"; };
                namespace personal {
                  prefix "" { directory "%1$s/mail/${user}/mail"; delimiter "/"; mailbox-type maildir; };
                };
                mode daemon;
                foreground true;
                pidfile "%1$s/imap4d.pid";
                server 127.0.0.1:%2$d { transcript true; };
                """.formatted(home, m.port()));
        m.process = new ProcessBuilder(IMAP4D.toString(), "--config-file=" + config)
                .redirectErrorStream(true).redirectOutput(m.logFile().toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopTree(m.process), "mailutils-stop"));
        awaitImapGreeting("imap4d", m.port(), m.process, () -> tail(m.logFile(), 40));
        return m;
    }
}
