package org.mailtidy.testsupport;

import static org.mailtidy.testsupport.ServerProcesses.awaitImapGreeting;
import static org.mailtidy.testsupport.ServerProcesses.deleteRecursively;
import static org.mailtidy.testsupport.ServerProcesses.freePort;
import static org.mailtidy.testsupport.ServerProcesses.run;
import static org.mailtidy.testsupport.ServerProcesses.tail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.mailtidy.imap.ConnectionSettings;

/**
 * A private Dovecot 2.3 for tests, started once per test JVM on first use and stopped by a shutdown
 * hook. Config, logs, Maildirs and rawlogs live under {@code target/dovecot/}; only {@code base_dir}
 * (runtime sockets) is under {@code /tmp/mt-dc-<random>/}, because Unix socket paths must stay under
 * about 100 bytes and a worktree's target path can be longer.
 *
 * <p>Dovecot's mail processes refuse to run as root: as root this creates the system user
 * {@value #MAIL_USER} (useradd --system) if it is missing and runs mail as that user; otherwise the
 * current user runs everything. TLS uses a certificate for {@code 127.0.0.1}/{@code localhost}
 * signed by a throw-away test CA ({@link #caFile()}); Dovecot also listens on 127.0.0.2, an address
 * the certificate does not name, for host name checks. Mailboxes use Dovecot's default separator
 * {@code .}; test helpers take names with {@code /} and translate.
 */
public final class Dovecot implements MailServer {
    public static final String MAIL_USER = "mailtidy-vmail";
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final AtomicInteger USERS = new AtomicInteger();
    private static Dovecot instance;
    private static Dovecot oauth2Instance;
    private static Dovecot masterInstance;
    /** The master login of {@link #withMasterUser()}. */
    public static final String MASTER_USER = "mailtidy-master";
    public static final String MASTER_PASSWORD = "master-pw";
    private static final Map<java.time.ZoneId, Dovecot> ZONED = new java.util.HashMap<>();
    private static URI oauth2Introspection;

    private final Path home;
    private final Path baseDir;
    private final Path config;
    private final Path passwd;
    private final int imapPort;
    private final int imapsPort;
    private final String uid;
    private final String gid;

    private Dovecot(Path home, Path baseDir, int imapPort, int imapsPort, String uid, String gid) {
        this.home = home;
        this.baseDir = baseDir;
        this.config = home.resolve("dovecot.conf");
        this.passwd = home.resolve("passwd");
        this.imapPort = imapPort;
        this.imapsPort = imapsPort;
        this.uid = uid;
        this.gid = gid;
    }

    /** The shared instance; started on first call. Fails (never skips) when Dovecot is missing. */
    public static synchronized Dovecot get() {
        if (instance == null) {
            requireInstalled();
            try {
                instance = start("dovecot", null);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test Dovecot: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /**
     * An instance whose processes run with {@code TZ} set to {@code zone} (Dovecot imports TZ by
     * default), under {@code target/dovecot-tz-...}: the server's own zone decides the calendar day of
     * INTERNALDATE for BEFORE, ON and SINCE. Started on first call per zone.
     */
    public static synchronized Dovecot inZone(java.time.ZoneId zone) {
        Dovecot d = ZONED.get(zone);
        if (d == null) {
            requireInstalled();
            try {
                d = start("dovecot-tz-" + zone.getId().replace('/', '-'), null, zone);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test Dovecot in " + zone + ": " + e.getMessage(), e);
            }
            ZONED.put(zone, d);
        }
        return d;
    }

    /**
     * A second instance whose logins with XOAUTH2 and OAUTHBEARER are checked by Dovecot's
     * {@code oauth2} passdb at {@code introspectionUrl} (RFC 7662, POST), under {@code target/dovecot-oauth2/};
     * users still come from {@link #newUser}. Started on first call; later calls must name the same URL.
     */
    public static synchronized Dovecot withOAuth2(URI introspectionUrl) {
        if (oauth2Instance == null) {
            requireInstalled();
            try {
                oauth2Instance = start("dovecot-oauth2", introspectionUrl);
                oauth2Introspection = introspectionUrl;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the OAuth2 test Dovecot: " + e.getMessage(), e);
            }
        } else if (!oauth2Introspection.equals(introspectionUrl)) {
            throw new IllegalStateException("the OAuth2 test Dovecot already uses " + oauth2Introspection);
        }
        return oauth2Instance;
    }

    /**
     * An instance with a master passdb ({@code master = yes}, {@code pass = yes}): {@link #MASTER_USER}
     * with {@link #MASTER_PASSWORD} logs in as any user with AUTHENTICATE PLAIN and that user as
     * authorization id (RFC 4616), under {@code target/dovecot-master/}. Started on first call.
     */
    public static synchronized Dovecot withMasterUser() {
        if (masterInstance == null) {
            requireInstalled();
            try {
                masterInstance = start("dovecot-master", null, null, true);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the master-user test Dovecot: " + e.getMessage(), e);
            }
        }
        return masterInstance;
    }

    /**
     * Adds many users at once (one passwd-file each, Maildir with an INBOX), faster than {@link #addUser}
     * one by one: one chown for all.
     */
    public void addUsers(List<String> names, List<TestMessage> inbox) {
        try {
            long stamp = System.currentTimeMillis() / 1000;
            for (String name : names) {
                Path userHome = userHome(name);
                Files.createDirectories(userHome.resolve("rawlog"));
                // Dovecot indexes the files at the first SELECT (no doveadm per user: 200 users stay fast)
                Path inboxDir = mailboxDir(name, "INBOX");
                for (String sub : List.of("cur", "new", "tmp")) {
                    Files.createDirectories(inboxDir.resolve(sub));
                }
                for (int i = 0; i < inbox.size(); i++) {
                    byte[] bytes = inbox.get(i).toBytes();
                    Path file = inboxDir.resolve("cur").resolve(stamp + ".M" + i + "P1.mailtidy,S=" + bytes.length + ":2,");
                    Files.write(file, bytes);
                    Files.setLastModifiedTime(file, FileTime.from(inbox.get(i).internalDate()));
                }
                String line = name + ":{PLAIN}" + password(name) + ":" + uid + ":" + gid + "::" + userHome + "::\n";
                Files.writeString(passwd.resolve(name), line, StandardCharsets.UTF_8);
            }
            chown(home.resolve("mail"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The number of message files in a user's INBOX (Maildir {@code cur} and {@code new}), without asking Dovecot. */
    public int inboxFiles(String user) {
        Path dir = mailboxDir(user, "INBOX");
        int n = 0;
        for (String sub : List.of("cur", "new")) {
            String[] names = dir.resolve(sub).toFile().list();
            n += names == null ? 0 : names.length;
        }
        return n;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Plain IMAP with STARTTLS offered. */
    public int imapPort() {
        return imapPort;
    }

    /** IMAP over implicit TLS. */
    public int imapsPort() {
        return imapsPort;
    }

    /** PEM of the test CA that signed the server certificate. */
    public Path caFile() {
        return home.resolve("tls/ca.crt");
    }

    public Path logFile() {
        return home.resolve("dovecot.log");
    }

    /**
     * Adds a user: one passwd-file per user ({@code passwd/%u}), because Dovecot notices changes of a
     * shared file only by its mtime, which misses two additions within the same second.
     */
    public void addUser(String name, String password) {
        try {
            Path userHome = userHome(name);
            Files.createDirectories(userHome.resolve("rawlog"));
            chown(userHome);
            String line = name + ":{PLAIN}" + password + ":" + uid + ":" + gid + "::" + userHome + "::\n";
            Files.writeString(passwd.resolve(name), line, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh user with a unique name (so tests do not see each other's mail); password {@link #password}. */
    @Override
    public String newUser(String prefix) {
        String name = prefix + "-" + USERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
        addUser(name, password(name));
        return name;
    }

    public static String password(String user) {
        return "pw-" + user;
    }

    @Override
    public String name() {
        return "dovecot";
    }

    /** STARTTLS with the test CA. */
    @Override
    public ConnectionSettings settings(String user) {
        return settings(user, ConnectionSettings.Security.STARTTLS).withCaFile(caFile());
    }

    @Override
    public void load(String user, String mailbox, List<TestMessage> messages) {
        writeMaildir(user, mailbox, messages);
    }

    public ConnectionSettings settings(String user, ConnectionSettings.Security security) {
        int port = security == ConnectionSettings.Security.IMPLICIT ? imapsPort : imapPort;
        return ConnectionSettings.login(host(), port, security, user, password(user));
    }

    /** Creates a mailbox (name with {@code /}) unless it exists. */
    @Override
    public void createMailbox(String user, String mailbox) {
        if (!mailbox.equalsIgnoreCase("INBOX") && !mailboxDir(user, mailbox).toFile().isDirectory()) {
            doveadm("mailbox", "create", "-u", user, serverName(mailbox));
        }
    }

    /**
     * Writes the messages as Maildir files (mtime = INTERNALDATE, keywords through
     * {@code dovecot-keywords}) and lets Dovecot index them; UIDs follow the list order.
     */
    public void writeMaildir(String user, String mailbox, List<TestMessage> messages) {
        createMailbox(user, mailbox);
        Path dir = mailboxDir(user, mailbox);
        try {
            Files.createDirectories(dir.resolve("cur"));
            Files.createDirectories(dir.resolve("new"));
            Files.createDirectories(dir.resolve("tmp"));
            Map<String, Character> keywords = keywordLetters(dir, messages);
            long stamp = System.currentTimeMillis() / 1000;
            for (int i = 0; i < messages.size(); i++) {
                TestMessage m = messages.get(i);
                byte[] bytes = m.toBytes();
                String file = stamp + ".M" + i + "P1.mailtidy,S=" + bytes.length + ":2," + maildirFlags(m.flags(), keywords);
                Path path = dir.resolve("cur").resolve(file);
                Files.write(path, bytes);
                Files.setLastModifiedTime(path, FileTime.from(m.internalDate()));
            }
            chown(userHome(user));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        doveadm("force-resync", "-u", user, serverName(mailbox));
        doveadm("index", "-u", user, serverName(mailbox));
    }

    /** Every message of the mailbox: UID, flags, Message-ID (via {@code doveadm fetch}). */
    @Override
    public List<StoredMessage> fetch(String user, String mailbox) {
        String out = doveadm("-f", "tab", "fetch", "-u", user, "uid flags hdr.message-id", "mailbox",
                serverName(mailbox), "all");
        List<StoredMessage> messages = new ArrayList<>();
        String[] lines = out.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cols = lines[i].split("\t", -1);
            Set<String> flags = new HashSet<>(Arrays.asList(cols[1].trim().split(" +")));
            flags.remove("");
            flags.remove("\\Recent");
            messages.add(new StoredMessage(Long.parseLong(cols[0].trim()), flags, cols.length > 2 ? cols[2].trim() : ""));
        }
        return messages;
    }

    /** Adds flags as another client would. */
    @Override
    public void addFlags(String user, String mailbox, long uid, String... flags) {
        doveadm("flags", "add", "-u", user, String.join(" ", flags), "mailbox", serverName(mailbox), "uid",
                Long.toString(uid));
    }

    /** Removes flags from the messages of a UID set ({@code 1,3}) as another client would. */
    public void removeFlags(String user, String mailbox, String uidSet, String... flags) {
        doveadm("flags", "remove", "-u", user, String.join(" ", flags), "mailbox", serverName(mailbox), "uid",
                uidSet);
    }

    /** Expunges one message as another client would. */
    public void expunge(String user, String mailbox, long uid) {
        doveadm("expunge", "-u", user, "mailbox", serverName(mailbox), "uid", Long.toString(uid));
    }

    /** Expunges the messages of a UID set ({@code 2,4,6:9}) at once, as another client would. */
    public void expunge(String user, String mailbox, String uidSet) {
        doveadm("expunge", "-u", user, "mailbox", serverName(mailbox), "uid", uidSet);
    }

    /** The user's subscribed mailboxes ({@code doveadm mailbox list -s}), names with {@code /}. */
    public List<String> subscribed(String user) {
        return doveadm("mailbox", "list", "-s", "-u", user).lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replace('.', '/')).toList();
    }

    /** Deletes a mailbox and its messages. */
    public void deleteMailbox(String user, String mailbox) {
        doveadm("mailbox", "delete", "-u", user, "-s", serverName(mailbox));
    }

    /**
     * {@code doveadm mailbox update}, e.g. {@code "--min-next-uid", "4294967000"} so that the next
     * messages get huge UIDs, or {@code "--uid-validity", "7"}.
     */
    public void updateMailbox(String user, String mailbox, String... options) {
        List<String> args = new ArrayList<>(List.of("mailbox", "update", "-u", user));
        args.addAll(List.of(options));
        args.add(serverName(mailbox));
        doveadm(args.toArray(String[]::new));
    }

    /** Delivers one message ({@code doveadm save}). */
    public void append(String user, String mailbox, byte[] rfc822) {
        createMailbox(user, mailbox);
        run(rfc822, doveadmCommand("save", "-u", user, "-m", serverName(mailbox)));
    }

    /**
     * The lines the clients of this user sent after login, from Dovecot's rawlog {@code *.in} files
     * (timestamps removed), oldest session first. Close the connection first: Dovecot writes the log
     * buffered, so this waits until the files stop growing.
     */
    public List<String> rawCommands(String user) {
        Path dir = userHome(user).resolve("rawlog");
        try {
            long previous = -1;
            for (int i = 0; i < 50; i++) {
                long size = inFiles(dir).stream().mapToLong(p -> p.toFile().length()).sum();
                if (size == previous && size > 0 && !imapProcessRunning(user)) {
                    break;
                }
                previous = size;
                Thread.sleep(100);
            }
            List<String> lines = new ArrayList<>();
            for (Path file : inFiles(dir)) {
                for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\r?\n")) {
                    if (!line.isEmpty()) {
                        lines.add(line.replaceFirst("^\\d+\\.\\d+ ", ""));
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes the server sent in each session of the user, oldest first, from Dovecot's rawlog
     * {@code *.out} files, time stamps removed. Close the connection first (see {@link #rawCommands}).
     */
    public List<Long> bytesSentByServer(String user) {
        rawCommands(user); // waits until Dovecot has written the session logs
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(userHome(user).resolve("rawlog"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".out")).sorted().toList()) {
                long bytes = 0;
                for (String line : Files.readString(f, StandardCharsets.ISO_8859_1).split("\n")) {
                    // each line is logged with a "seconds.micros " time stamp in front
                    bytes += line.replaceFirst("^\\d+\\.\\d+ ", "").length() + 1;
                }
                out.add(bytes);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The server's name for a test name with {@code /}. */
    public static String serverName(String mailbox) {
        return mailbox.equalsIgnoreCase("INBOX") ? "INBOX" : mailbox.replace('/', '.');
    }

    private boolean imapProcessRunning(String user) {
        String who = doveadmAllowFailure("who", "-1", user);
        return who.contains(user);
    }

    private static List<Path> inFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".in")).sorted().collect(Collectors.toList());
        }
    }

    private Path userHome(String user) {
        return home.resolve("mail").resolve(user);
    }

    /** The Maildir folder of a mailbox, for tests that compare files byte for byte. */
    public Path maildir(String user, String mailbox) {
        return mailboxDir(user, mailbox);
    }

    /** Maildir++ layout: INBOX is the root, other mailboxes {@code .name} in modified UTF-7. */
    private Path mailboxDir(String user, String mailbox) {
        Path root = userHome(user).resolve("Maildir");
        return mailbox.equalsIgnoreCase("INBOX") ? root
                : root.resolve("." + BASE64MailboxEncoder.encode(serverName(mailbox)));
    }

    /** Maildir keyword letters a..z (Dovecot's {@code dovecot-keywords} file): at most 26 per mailbox. */
    private Map<String, Character> keywordLetters(Path dir, List<TestMessage> messages) throws IOException {
        Set<String> all = new java.util.TreeSet<>();
        messages.forEach(m -> m.flags().stream().filter(f -> !f.startsWith("\\")).forEach(all::add));
        Map<String, Character> letters = new LinkedHashMap<>();
        Path file = dir.resolve("dovecot-keywords");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.split(" ", 2);
                if (parts.length == 2) {
                    letters.put(parts[1], (char) ('a' + Integer.parseInt(parts[0])));
                }
            }
        }
        for (String keyword : all) {
            if (!letters.containsKey(keyword)) {
                if (letters.size() == 26) {
                    throw new IllegalArgumentException("more than 26 keywords in one Maildir");
                }
                letters.put(keyword, (char) ('a' + letters.size()));
            }
        }
        StringBuilder sb = new StringBuilder();
        letters.forEach((k, c) -> sb.append(c - 'a').append(' ').append(k).append('\n'));
        Files.writeString(file, sb.toString());
        return letters;
    }

    /** Maildir info flags, in ASCII order as the Maildir spec requires. */
    private static String maildirFlags(Set<String> flags, Map<String, Character> keywords) {
        TreeMap<Character, Boolean> letters = new TreeMap<>();
        for (String flag : flags) {
            Character c = switch (flag.toLowerCase(java.util.Locale.ROOT)) {
                case "\\draft" -> 'D';
                case "\\flagged" -> 'F';
                case "\\answered" -> 'R';
                case "\\seen" -> 'S';
                case "\\deleted" -> 'T';
                default -> keywords.get(flag);
            };
            letters.put(c, true);
        }
        return letters.keySet().stream().map(String::valueOf).collect(Collectors.joining());
    }

    // ---- start-up ----

    private static void requireInstalled() {
        if (!Files.isExecutable(DOVECOT)) {
            throw new IllegalStateException("Dovecot is not installed (" + DOVECOT + " missing). The tests "
                    + "tagged 'dovecot' need it: run the project's test script `bash .ci/run`, which installs it "
                    + "(apt-get install -y dovecot-imapd)");
        }
    }

    private static Dovecot start(String dirName, URI introspectionUrl) throws IOException {
        return start(dirName, introspectionUrl, null);
    }

    private static Dovecot start(String dirName, URI introspectionUrl, java.time.ZoneId zone) throws IOException {
        return start(dirName, introspectionUrl, zone, false);
    }

    private static Dovecot start(String dirName, URI introspectionUrl, java.time.ZoneId zone, boolean master)
            throws IOException {
        Path home = Path.of("target", dirName).toAbsolutePath();
        deleteRecursively(home);
        Files.createDirectories(home.resolve("mail"));
        Path baseDir = Files.createTempDirectory(Path.of("/tmp"), "mt-dc-");
        String[] ids = mailUser();
        Dovecot d = new Dovecot(home, baseDir, freePort(), freePort(), ids[0], ids[1]);
        d.makeCertificates();
        Files.createDirectories(d.passwd);
        d.chown(home.resolve("mail"));
        Files.writeString(d.config, d.renderConfig(ids[2], master ? d.masterPassdb() : d.oauth2Passdb(introspectionUrl)));
        d.launch(zone);
        Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "dovecot-stop"));
        awaitImapGreeting("Dovecot", d.imapPort, null, () -> tail(d.logFile(), 20));
        return d;
    }

    /** The master forks into the background and keeps its output open: never read it through a pipe. */
    private void launch(java.time.ZoneId zone) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DOVECOT.toString(), "-c", config.toString());
        if (zone != null) {
            pb.environment().put("TZ", zone.getId());
        }
        Process p = pb
                .redirectErrorStream(true).redirectOutput(home.resolve("dovecot.start.log").toFile()).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("dovecot -c " + config + " failed: "
                        + Files.readString(home.resolve("dovecot.start.log")) + tail(logFile(), 20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void stop() {
        try {
            new ProcessBuilder(DOVECOT.toString(), "-c", config.toString(), "stop")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(baseDir);
        } catch (IOException | InterruptedException e) {
            // the JVM is exiting; nothing more to do
        }
    }

    /** uid, gid and login of the mail user; as root a dedicated system user. */
    private static String[] mailUser() throws IOException {
        String self = run(null, List.of("id", "-u")).trim();
        if (!self.equals("0")) {
            return new String[] {self, run(null, List.of("id", "-g")).trim(), run(null, List.of("id", "-un")).trim()};
        }
        if (runStatus(List.of("id", "-u", MAIL_USER)) != 0) {
            run(null, List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", MAIL_USER));
        }
        return new String[] {run(null, List.of("id", "-u", MAIL_USER)).trim(),
            run(null, List.of("id", "-g", MAIL_USER)).trim(), MAIL_USER};
    }

    private void makeCertificates() throws IOException {
        Path tls = home.resolve("tls");
        Files.createDirectories(tls);
        Path ext = tls.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
        String dir = tls.toString();
        run(null, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "3",
                "-subj", "/CN=mailtidy test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        run(null, List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=localhost"));
        run(null, List.of("openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt",
                "-CAkey", dir + "/ca.key", "-CAcreateserial", "-out", dir + "/server.crt", "-days", "3",
                "-extfile", ext.toString()));
    }

    /** {@code passdbBefore}: settings and a passdb placed before the passwd-file passdb (may be empty). */
    private String renderConfig(String mailLogin, String passdbBefore) {
        boolean root = !mailLogin.equals(run(null, List.of("id", "-un")).trim());
        String users = root ? "" : "default_internal_user = " + mailLogin + "\ndefault_login_user = " + mailLogin + "\n";
        String dh = Files.exists(Path.of("/usr/share/dovecot/dh.pem")) ? "ssl_dh = </usr/share/dovecot/dh.pem\n" : "";
        return """
                # Rendered by org.mailtidy.testsupport.Dovecot for tests; not for production.
                base_dir = %1$s
                state_dir = %1$s/state
                instance_name = %2$s
                protocols = imap
                listen = 127.0.0.1, 127.0.0.2
                log_path = %3$s/dovecot.log
                info_log_path = %3$s/dovecot.log
                %4$s
                ssl = yes
                ssl_cert = <%3$s/tls/server.crt
                ssl_key = <%3$s/tls/server.key
                ssl_min_protocol = TLSv1.2
                %5$s
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                mail_uid = %6$s
                mail_gid = %7$s
                first_valid_uid = %6$s
                last_valid_uid = %6$s
                first_valid_gid = %7$s
                last_valid_gid = %7$s
                mail_location = maildir:~/Maildir
                mail_fsync = never
                %10$s
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %3$s/passwd/%%u
                }
                userdb {
                  driver = passwd-file
                  args = username_format=%%u %3$s/passwd/%%u
                }
                namespace inbox {
                  inbox = yes
                  mailbox Trash {
                    special_use = \\Trash
                    auto = create
                  }
                  mailbox Sent {
                    special_use = \\Sent
                  }
                  mailbox Junk {
                    special_use = \\Junk
                  }
                }
                protocol imap {
                  rawlog_dir = %%h/rawlog
                }
                service imap-login {
                  # one login process for every connection (Dovecot's high-performance mode, as many
                  # sites run it): its TLS session ticket key is the same for all, so a client's
                  # reconnect can resume its TLS session (TlsResumptionDovecotIT)
                  service_count = 0
                  inet_listener imap {
                    port = %8$d
                  }
                  inet_listener imaps {
                    port = %9$d
                    ssl = yes
                  }
                }
                service pop3-login {
                  inet_listener pop3 {
                    port = 0
                  }
                  inet_listener pop3s {
                    port = 0
                  }
                }
                service anvil {
                  unix_listener anvil-auth-penalty {
                    mode = 0
                  }
                }
                """.formatted(baseDir, baseDir.getFileName(), home, users, dh, uid, gid, imapPort, imapsPort, passdbBefore);
    }

    /**
     * The oauth2 passdb (checked facts in the project's Dovecot notes): it comes first and only for the
     * two bearer mechanisms, so plain logins still use the passwd-file.
     */
    private String oauth2Passdb(URI introspectionUrl) throws IOException {
        if (introspectionUrl == null) {
            return "";
        }
        Path args = home.resolve("oauth2.conf");
        Files.writeString(args, """
                introspection_url = %s
                introspection_mode = post
                force_introspection = yes
                username_attribute = username
                active_attribute = active
                active_value = true
                """.formatted(introspectionUrl));
        return """
                auth_mechanisms = plain login xoauth2 oauthbearer
                auth_failure_delay = 0
                passdb {
                  driver = oauth2
                  mechanisms = xoauth2 oauthbearer
                  args = %s
                }""".formatted(args);
    }

    /** Checked facts: docs of Dovecot 2.3 master users; {@code pass = yes} also looks the user up in the normal passdb. */
    private String masterPassdb() throws IOException {
        Path masters = home.resolve("master-users");
        Files.writeString(masters, MASTER_USER + ":{PLAIN}" + MASTER_PASSWORD + "::::::\n");
        return """
                auth_failure_delay = 0
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN %s
                  master = yes
                  pass = yes
                }""".formatted(masters);
    }

    private void chown(Path path) {
        run(null, List.of("chown", "-R", uid + ":" + gid, path.toString()));
    }

    private List<String> doveadmCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("doveadm", "-c", config.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String doveadm(String... args) {
        return run(null, doveadmCommand(args));
    }

    private String doveadmAllowFailure(String... args) {
        try {
            return doveadm(args);
        } catch (IllegalStateException e) {
            return "";
        }
    }

    private static int runStatus(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
