package org.mailtidy.testsupport;

import static org.mailtidy.testsupport.ServerProcesses.awaitImapGreeting;
import static org.mailtidy.testsupport.ServerProcesses.deleteRecursively;
import static org.mailtidy.testsupport.ServerProcesses.freePort;
import static org.mailtidy.testsupport.ServerProcesses.run;
import static org.mailtidy.testsupport.ServerProcesses.stopTree;
import static org.mailtidy.testsupport.ServerProcesses.tail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * A private Courier-IMAP 5 for tests, started once per test JVM on first use and stopped by a
 * shutdown hook; everything lives under {@code target/courier/}.
 *
 * <p>Debian's {@code courier-imap} conflicts with {@code dovecot-imapd}, so {@code bin/test}
 * installs only its conflict-free dependencies (authlib, authdaemon, userdb, couriertcpd) and
 * unpacks the package itself under {@code target/courier-imap-deb/} ({@code apt-get download},
 * {@code dpkg-deb -x}; done here too when missing). authlib's paths are compiled in
 * ({@code /etc/courier}, {@code /run/courier}), so {@code authdaemond} and {@code couriertcpd} run in
 * a private mount namespace ({@code unshare -m}) with private directories bind-mounted there: the
 * system's files are never touched. Users are in a userdb, mail in Maildirs owned by the system
 * user {@value Dovecot#MAIL_USER}. Needs root (mount namespaces); fails, never skips, otherwise.
 *
 * <p>Courier's personal namespace is {@code "INBOX." "."}: the test name {@code Lists/dev} is
 * the mailbox {@code INBOX.Lists.dev}. No TLS here: plain LOGIN on loopback.
 */
public final class Courier extends RawImapFixture {
    private static final Path DEB_DIR = Path.of("target", "courier-imap-deb").toAbsolutePath();
    private static final Path IMAPLOGIN = DEB_DIR.resolve("usr/lib/courier/courier/imaplogin");
    private static final Path IMAPD = DEB_DIR.resolve("usr/bin/imapd");
    private static final Path AUTHDAEMOND = Path.of("/usr/lib/courier/courier-authlib/authdaemond");
    private static final Path COURIERTCPD = Path.of("/usr/sbin/couriertcpd");
    /** What Debian's /etc/courier/imapd announces (without the AUTH= of the TLS variant). */
    private static final String CAPABILITY =
            "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE";
    /**
     * How often imapd looks for new mail during IDLE. Debian's 60 s (without IMAP_ENHANCEDIDLE, which
     * needs FAM) would make every arrival test wait up to a minute; the behaviour is the same.
     */
    private static final int IDLE_POLL_SECONDS = 2;
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final DateTimeFormatter IMAP_DATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    private static Courier instance;

    private final Path home;
    private final String uid;
    private final String gid;
    private final String passwordHash;
    private Process process;
    /** userdb.dat gets a strictly increasing mtime, so authdaemond sees every addition. */
    private long userdbStamp = System.currentTimeMillis() / 1000 - 86_400;

    private Courier(Path home, int port, String uid, String gid, String passwordHash) {
        super(port);
        this.home = home;
        this.uid = uid;
        this.gid = gid;
        this.passwordHash = passwordHash;
    }

    /** The shared instance; started on first call. Fails (never skips) when it cannot start. */
    public static synchronized Courier get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot start the test Courier-IMAP (run bin/test once, "
                        + "which installs it): " + e.getMessage(), e);
            }
        }
        return instance;
    }

    @Override
    String passwordOf(String user) {
        return password(user);
    }

    @Override
    String wireName(String mailbox) {
        return serverName(mailbox);
    }

    @Override
    public String name() {
        return "courier";
    }

    /** Every user's password: a fixed one, since the userdb holds a crypt(3) hash made once at start. */
    public static String password(String user) {
        return "courier-test-password";
    }

    @Override
    public synchronized String newUser(String prefix) {
        String name = prefix + "-" + USERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
        try {
            Path userHome = home.resolve("mail").resolve(name);
            Path maildir = userHome.resolve("Maildir");
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(maildir.resolve(sub));
            }
            run(List.of("chown", "-R", uid + ":" + gid, userHome.toString()));
            Path userdb = home.resolve("etc/userdb");
            Files.writeString(userdb, name + "\tuid=" + uid + "|gid=" + gid + "|home=" + userHome + "|mail=" + maildir
                    + "|systempw=" + passwordHash + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(userdb, PosixFilePermissions.fromString("rw-------"));
            run(List.of("makeuserdb", "-f", userdb.toString()));
            userdbStamp++;
            for (String dat : List.of("userdb.dat", "userdbshadow.dat")) {
                Files.setLastModifiedTime(home.resolve("etc").resolve(dat), FileTime.from(userdbStamp, TimeUnit.SECONDS));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    /**
     * Writes the messages into the Maildir's {@code cur} with LF line ends (mtime = INTERNALDATE,
     * system flags in the file name, names sorting in list order so the first login numbers them in
     * that order), then
     * stores keywords through IMAP, since Courier keeps them in its own {@code courierimapkeywords/}.
     */
    @Override
    public void load(String user, String mailbox, List<TestMessage> messages) {
        createMailbox(user, mailbox);
        Path cur = maildir(user, mailbox).resolve("cur");
        try {
            long stamp = System.currentTimeMillis() / 1000;
            int batch = USERS.incrementAndGet();
            for (int i = 0; i < messages.size(); i++) {
                TestMessage m = messages.get(i);
                // LF line ends, as an MDA writes a Maildir: Courier adds the CR when it sends the
                // message (and counts it in RFC822.SIZE), so a CRLF file would be read as CR CR LF.
                byte[] bytes = new String(m.toBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n")
                        .getBytes(StandardCharsets.UTF_8);
                String file = String.format(Locale.ROOT, "%d.M%04d%08dP1.mailtidy,S=%d:2,%s", stamp, batch, i,
                        bytes.length, maildirFlags(m.flags()));
                Path path = cur.resolve(file);
                Files.write(path, bytes);
                Files.setLastModifiedTime(path, FileTime.from(m.internalDate()));
            }
            run(List.of("chown", "-R", uid + ":" + gid, cur.getParent().toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean keywords = messages.stream().anyMatch(m -> m.flags().stream().anyMatch(f -> !f.startsWith("\\")));
        try (RawImap c = login(user)) {
            String name = RawImap.quote(serverName(mailbox));
            c.command("SELECT " + name); // numbers the new files
            if (keywords) {
                List<StoredMessage> stored = c.fetchAll(name);
                c.command("SELECT " + name);
                java.util.Map<String, List<Long>> uidsByKeyword = new java.util.TreeMap<>();
                for (int i = 0; i < messages.size(); i++) {
                    long uid = stored.get(stored.size() - messages.size() + i).uid();
                    messages.get(i).flags().stream().filter(f -> !f.startsWith("\\"))
                            .forEach(k -> uidsByKeyword.computeIfAbsent(k, x -> new ArrayList<>()).add(uid));
                }
                for (var e : uidsByKeyword.entrySet()) {
                    List<Long> uids = e.getValue();
                    for (int from = 0; from < uids.size(); from += 500) {
                        String set = uids.subList(from, Math.min(uids.size(), from + 500)).stream()
                                .map(String::valueOf).collect(Collectors.joining(","));
                        c.command("UID STORE " + set + " +FLAGS.SILENT (" + e.getKey() + ")");
                    }
                }
            }
        }
    }

    /** APPENDs one message as a mail client would (flags, keywords and INTERNALDATE kept). */
    public void append(String user, String mailbox, TestMessage m) {
        createMailbox(user, mailbox);
        try (RawImap c = login(user)) {
            c.append(RawImap.quote(serverName(mailbox)), "(" + String.join(" ", m.flags()) + ")",
                    IMAP_DATE.format(m.internalDate().atOffset(ZoneOffset.UTC)), m.toBytes());
        }
    }

    /** Mailbox names on the server (LIST "" "*"), as Courier writes them ({@code INBOX.Lists.dev}). */
    public List<String> serverMailboxes(String user) {
        try (RawImap c = login(user)) {
            List<String> names = new ArrayList<>();
            for (String line : c.command("LIST \"\" \"*\"")) {
                String name = line.substring(line.lastIndexOf(" \"", line.length() - 2) + 2, line.length() - 1);
                names.add(name);
            }
            return names;
        }
    }

    /** The server's name for a test name: {@code Lists/dev} is {@code INBOX.Lists.dev}. */
    public static String serverName(String mailbox) {
        if (mailbox.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        String dotted = mailbox.replace('/', '.');
        return dotted.regionMatches(true, 0, "INBOX.", 0, 6) ? dotted : "INBOX." + dotted;
    }

    /** The Maildir folder of a mailbox: Maildir++ {@code .Lists.dev} in modified UTF-7. */
    public Path maildir(String user, String mailbox) {
        Path root = home.resolve("mail").resolve(user).resolve("Maildir");
        String server = serverName(mailbox);
        return server.equals("INBOX") ? root : root.resolve(BASE64MailboxEncoder.encode(server.substring(5)));
    }

    public Path logFile() {
        return home.resolve("courier.log");
    }

    private static String maildirFlags(Set<String> flags) {
        Set<Character> letters = new TreeSet<>();
        for (String flag : flags) {
            switch (flag.toLowerCase(Locale.ROOT)) {
                case "\\draft" -> letters.add('D');
                case "\\flagged" -> letters.add('F');
                case "\\answered" -> letters.add('R');
                case "\\seen" -> letters.add('S');
                case "\\deleted" -> letters.add('T');
                default -> { } // keywords: stored through IMAP
            }
        }
        return letters.stream().map(String::valueOf).collect(Collectors.joining());
    }

    // ---- start-up ----

    private static Courier start() throws IOException {
        if (!"0".equals(run(List.of("id", "-u")).trim())) {
            throw new IOException("the test Courier needs root (a private mount namespace for authlib's fixed paths)");
        }
        for (Path p : List.of(AUTHDAEMOND, COURIERTCPD, Path.of("/usr/sbin/makeuserdb"))) {
            if (!Files.isExecutable(p)) {
                throw new IOException(p + " is missing (Debian: apt-get install --no-install-recommends courier-base "
                        + "courier-authlib courier-authdaemon courier-authlib-userdb)");
            }
        }
        if (!Files.isExecutable(IMAPLOGIN)) {
            unpackCourierImap();
        }
        Path home = Path.of("target", "courier").toAbsolutePath();
        deleteRecursively(home);
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("run/authdaemon"));
        Files.createDirectories(home.resolve("mail"));
        Files.writeString(home.resolve("etc/authdaemonrc"), """
                authmodulelist="authuserdb"
                authmodulelistorig="authuserdb"
                daemons=3
                authdaemonvar=/run/courier/authdaemon
                DEBUG_LOGIN=0
                DEFAULTOPTIONS=""
                LOGGEROPTS=""
                """);
        Path userdb = home.resolve("etc/userdb");
        Files.writeString(userdb, "");
        Files.setPosixFilePermissions(userdb, PosixFilePermissions.fromString("rw-------"));
        String uid = run(List.of("id", "-u", Dovecot.MAIL_USER)).trim();
        String gid = run(List.of("id", "-g", Dovecot.MAIL_USER)).trim();
        String hash = run(List.of("openssl", "passwd", "-6", password(null))).trim();
        Courier c = new Courier(home, freePort(), uid, gid, hash);
        c.launch();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopTree(c.process), "courier-stop"));
        awaitImapGreeting("Courier", c.port(), c.process, () -> tail(c.logFile(), 40));
        return c;
    }

    private static void unpackCourierImap() throws IOException {
        Files.createDirectories(DEB_DIR);
        run(List.of("sh", "-c", "cd '" + DEB_DIR + "' && rm -f courier-imap_*.deb && apt-get download -qq courier-imap "
                + "&& dpkg-deb -x courier-imap_*.deb ."));
        if (!Files.isExecutable(IMAPLOGIN)) {
            throw new IOException(IMAPLOGIN + " missing after unpacking courier-imap");
        }
    }

    /**
     * The namespace lives as long as its first process: the script mounts, starts authdaemond and
     * becomes couriertcpd, so stopping that process tree ends the namespace and its mounts.
     */
    private void launch() throws IOException {
        Path script = home.resolve("start.sh");
        Files.writeString(script, """
                #!/bin/sh
                set -e
                mkdir -p /run/courier
                mount --bind '%1$s/etc' /etc/courier
                mount --bind '%1$s/run' /run/courier
                %2$s &
                exec env -i PATH=/usr/bin:/bin IMAP_CAPABILITY='%3$s' IMAP_KEYWORDS=1 IMAP_ACL=1 \\
                  IMAP_TRASHFOLDERNAME=Trash IMAP_EMPTYTRASH= IMAP_USELOCKS=1 IMAP_MAILBOX_SANITY_CHECK=1 \\
                  IMAP_UMASK=022 IMAP_IDLE_TIMEOUT=%8$d IMAP_CHECK_ALL_FOLDERS=0 IMAP_DISABLETHREADSORT=0 \\
                  %4$s -address=127.0.0.1 -maxprocs=40 -maxperip=40 -nodnslookup -noidentlookup \\
                  %5$d '%6$s' '%7$s' Maildir
                """.formatted(home, AUTHDAEMOND, CAPABILITY, COURIERTCPD, port(), IMAPLOGIN, IMAPD, IDLE_POLL_SECONDS));
        // setsid: a process group of its own, since authdaemond signals its whole group when it stops
        // (kill(0, SIGTERM)), which would otherwise be the test JVM's and Maven's
        process = new ProcessBuilder("setsid", "unshare", "--mount", "--propagation", "private", "sh",
                script.toString())
                .redirectErrorStream(true).redirectOutput(logFile().toFile()).start();
    }
}
