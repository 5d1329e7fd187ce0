package org.mailtidy.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Namespaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in IMAP connection (Angus {@link IMAPStore}) with at most one selected mailbox at a
 * time. Mailbox names are UTF-8 with {@code /} as separator on this side of the API.
 */
public final class ImapConnection implements ImapSession {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private final IMAPStore store;
    private final String description;
    private final Set<String> capabilities;
    /** The server's greeting line, to tell servers apart where capabilities do not ({@link #sentDatesInUtc}). */
    private final String greeting;
    private final CommandCounter counter = new CommandCounter();
    private char separator;
    private PersonalNamespace namespace;
    private SelectedMailbox selected;
    /** Set at the first SELECT or EXAMINE: ENABLE is allowed only before it (RFC 5161 section 3.1). */
    private boolean selectedBefore;

    private final ResponseGuard guard;

    private ImapConnection(IMAPStore store, String description, Set<String> capabilities, ResponseGuard guard,
                           String greeting) {
        this.store = store;
        this.description = description;
        this.capabilities = capabilities;
        this.guard = guard;
        this.greeting = greeting;
    }

    /** Connects and logs in; TLS is verified (certificate and host name) unless {@code NONE}. */
    public static ImapConnection connect(ConnectionSettings s) throws ImapException {
        String secret;
        try {
            secret = s.secret().call();
        } catch (Exception e) {
            // The secret sources word their messages without the secret or the command's output.
            throw new ImapException("cannot get the secret for " + s.describe() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), null, null);
        }
        SSLSocketFactory factory = s.caFile().isPresent() ? TlsTrust.socketFactory(s.caFile().get()) : null;
        ResponseGuard guard = new ResponseGuard(s.limits(), s.host() + ":" + s.port());
        Session session = Session.getInstance(SessionProperties.of(s, factory, guard));
        IMAPStore store;
        try {
            LineEndTolerantStore.register(session);
            store = (IMAPStore) (s.masterUser().isPresent()
                    ? session.getStore(MasterLoginStore.provider(SessionProperties.protocol(s)))
                    : session.getStore(SessionProperties.protocol(s)));
            LOG.debug("connecting to {} ({}, {})", s.describe(), s.security(), s.mechanism());
            store.connect(s.host(), s.port(), s.masterUser().orElse(s.username()), secret);
        } catch (MessagingException e) {
            guard.abort();
            throw guard.violation() != null ? Failures.misbehaved("connecting to " + s.describe(), guard.violation())
                    : Failures.ofConnect(e, s, secret);
        } catch (RuntimeException e) {
            guard.abort();
            throw unreadable("connecting to " + s.describe(), e, guard);
        }
        guard.loggedIn();
        ImapConnection connection = new ImapConnection(store, s.describe(), Set.of(), guard, "");
        Set<String> caps = connection.readCapabilities();
        String greeting = connection.readGreeting();
        LOG.debug("connected to {}; capabilities {}", s.describe(), caps);
        guard.tlsSession().ifPresent(tls -> LOG.debug("TLS with {}: {} {}, session {}", s.describe(),
                tls.getProtocol(), tls.getCipherSuite(), java.util.HexFormat.of().formatHex(tls.getId())));
        ImapConnection ready = new ImapConnection(store, s.describe(), caps, guard, greeting);
        ready.writeAhead();
        return ready;
    }

    /**
     * What every run on this connection needs and nothing waits for, written at once so that it
     * rides in the flight of the first command (RFC 9051 section 5.5): {@code ENABLE QRESYNC}, which
     * must come before the first SELECT (RFC 5161 section 3.1), and {@code NAMESPACE}, whose answer
     * is read when a mailbox name first needs it. UNSELECT and LOGOUT are written the same way
     * later: nothing on this connection waits for their answers.
     */
    private void writeAhead() throws ImapException {
        // one command at a time (a server that mishandles pipelining): each waits for its answer
        boolean oneAtATime = Integer.getInteger(Wire.MAX_IN_FLIGHT_PROPERTY, Wire.MAX_IN_FLIGHT_COMMANDS) <= 1;
        boolean qresync = !oneAtATime && hasCapability("ENABLE") && hasCapability("CONDSTORE")
                && hasCapability("QRESYNC");
        boolean ns = !oneAtATime && hasCapability("NAMESPACE");
        try {
            ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> {
                if (!(p instanceof LineEndTolerantProtocol t)) {
                    return null;
                }
                protocol = t;
                if (!oneAtATime) {
                    t.deferClosing();
                }
                try {
                    if (qresync) {
                        counter.increment("ENABLE");
                        boolean[] enabled = {false};
                        // Angus must not send an ENABLE CONDSTORE of its own before the SELECT
                        t.markEnabled("QRESYNC", true);
                        t.writeAhead("ENABLE QRESYNC", null, r -> {
                            if (r instanceof IMAPResponse ir && ir.keyEquals("ENABLED")) {
                                enabled[0] = r.toString().toUpperCase(Locale.ROOT).contains("QRESYNC");
                                return true;
                            }
                            return false;
                        }, tagged -> {
                            if (!tagged.isOK() || !enabled[0]) {
                                LOG.debug("ENABLE QRESYNC refused by {}: {}", description, tagged);
                                t.markEnabled("QRESYNC", false);
                            } else {
                                LOG.debug("QRESYNC enabled on {}", description);
                            }
                        });
                        selectedBefore = true;
                    }
                    if (ns) {
                        counter.increment("NAMESPACE");
                        namespaceAhead = true;
                        Namespaces[] found = {null};
                        t.writeAhead("NAMESPACE", null, r -> {
                            if (r instanceof IMAPResponse ir && ir.keyEquals("NAMESPACE")) {
                                found[0] = new Namespaces(ir);
                                return true;
                            }
                            return false;
                        }, tagged -> {
                            namespaceAhead = false;
                            if (namespace == null) {
                                namespace = personalOf(tagged.isOK() ? found[0] : null);
                            }
                        });
                    }
                } catch (java.io.IOException e) {
                    throw new ProtocolException("writing ahead: " + e.getMessage(), e);
                }
                return null;
            });
        } catch (MessagingException e) {
            throw Failures.of(e, "ENABLE on " + description, guard);
        }
    }

    /** NAMESPACE was written ahead and not answered yet. */
    private volatile boolean namespaceAhead;

    /**
     * Angus failed on the server's answer with an unchecked exception: the answer was not IMAP it
     * can read. The stream is in an unknown state, so the connection is dropped.
     */
    static ImapException unreadable(String what, RuntimeException e, ResponseGuard guard) {
        guard.abort();
        if (guard.violation() != null) {
            return Failures.misbehaved(what, guard.violation());
        }
        LOG.debug("{}: unreadable answer", what, e);
        return new ImapException.ServerMisbehaved(what + " failed: the server sent an answer that cannot be read ("
                + e + "); disconnected", e);
    }

    /**
     * Closes the socket now, from any thread: a read blocked on the server returns at once and the
     * command in progress fails (shutdown, or an account stuck past its deadline).
     */
    public void abort() {
        guard.abort();
    }

    ResponseGuard guard() {
        return guard;
    }

    /**
     * Whether the server's SENTBEFORE, SENTON and SENTSINCE convert the Date: header to UTC before
     * comparing (Courier-IMAP; RFC 3501 says the zone is disregarded), so that mailtidy must
     * evaluate {@code sent_*} itself for a rule to mean the same as elsewhere (docs/servers.md).
     */
    public boolean sentDatesInUtc() {
        return greeting.contains("Courier-IMAP");
    }

    /** The TLS session (protocol, cipher suite, session id) of the connection; empty without TLS. */
    public Optional<javax.net.ssl.SSLSession> tlsSession() {
        return guard.tlsSession();
    }

    /** The capabilities announced after login, upper case. */
    public Set<String> capabilities() {
        return capabilities;
    }

    public boolean hasCapability(String capability) {
        return capabilities.contains(capability.toUpperCase(Locale.ROOT));
    }

    /** The server's hierarchy separator (RFC 3501 section 6.3.8, {@code LIST "" ""}). */
    public char separator() throws ImapException {
        if (separator == 0) {
            // On the connection in use: Angus's getSeparator() would open a second connection
            // while a mailbox is selected (three more round trips).
            List<ListInfo> root = rawList(null, "");
            separator = root.isEmpty() || root.get(0).separator == '\0' ? '/' : root.get(0).separator;
        }
        return separator;
    }

    /**
     * The personal namespace (RFC 2342), asked once per connection with {@code NAMESPACE} where the
     * server has it; else no prefix and the separator of {@code LIST "" ""}.
     */
    PersonalNamespace namespace() throws ImapException {
        if (namespace == null && namespaceAhead) {
            // written ahead at login: its answer is read now, with whatever else was written ahead
            try {
                ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> {
                    try {
                        ((LineEndTolerantProtocol) p).drainAhead();
                    } catch (java.io.IOException e) {
                        throw new ProtocolException(e.getMessage(), e);
                    }
                    return null;
                });
            } catch (MessagingException e) {
                throw Failures.of(e, "NAMESPACE on " + description, guard);
            } catch (RuntimeException e) {
                throw unreadable("NAMESPACE on " + description, e, guard);
            }
        }
        if (namespace == null) {
            Namespaces all = hasCapability("NAMESPACE") && !namespaceAsked
                    ? (Namespaces) storeCommand("NAMESPACE", "", p -> p.namespace()) : null;
            namespace = personalOf(all);
        }
        if (namespace.separator() == '\0') {
            namespace = new PersonalNamespace(namespace.prefix(), separator());
            LOG.debug("personal namespace of {}: \"{}\" \"{}\"", description, namespace.prefix(), namespace.separator());
        }
        return namespace;
    }

    /** Set once NAMESPACE was sent (ahead or not), so a refusal is not asked again. */
    private boolean namespaceAsked;

    /** The personal namespace of a NAMESPACE answer; a separator of 0 is asked with LIST when needed. */
    private PersonalNamespace personalOf(Namespaces all) {
        namespaceAsked = true;
        if (all != null && all.personal != null && all.personal.length > 0) {
            Namespaces.Namespace personal = all.personal[0];
            return new PersonalNamespace(personal.prefix == null ? "" : personal.prefix, personal.delimiter);
        }
        return new PersonalNamespace("", '\0');
    }

    /** The server's name (Unicode) of a mailbox named relative to the personal namespace. */
    String serverName(String mailbox) throws ImapException {
        if (mailbox.equalsIgnoreCase("INBOX")) {
            return "INBOX"; // the same in every namespace: no NAMESPACE command for a run of INBOX alone
        }
        return MailboxNames.toServer(mailbox, namespace());
    }

    /**
     * Mailboxes matching {@code pattern} ({@code *}, {@code %} wildcards), in the server's LIST order,
     * selectable ones only. The pattern is relative to the personal namespace ({@code Lists/*} lists
     * {@code INBOX.Lists.*} on Courier) and so are the names returned, unless the pattern is written
     * with the prefix ({@code INBOX/Lists/*}): then the names are too, so they match the pattern.
     */
    public List<String> list(String pattern) throws ImapException {
        PersonalNamespace ns = namespace();
        boolean keepPrefix = MailboxNames.writtenWithPrefix(pattern, ns);
        List<String> names = new ArrayList<>();
        if (!keepPrefix && !ns.prefix().isEmpty() && MailboxNames.matches(pattern, "INBOX")) {
            names.add("INBOX"); // INBOX is not under a prefix such as "INBOX.", but "*" names it
        }
        String wirePattern = MailboxNames.encode(MailboxNames.toServer(pattern, ns));
        for (ListInfo info : rawList(null, wirePattern)) {
            String name = MailboxNames.fromServer(info.name, new PersonalNamespace(ns.prefix(), separatorOf(info)),
                    keepPrefix);
            if (info.canOpen && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The mailbox with a special-use attribute (RFC 6154) such as {@code \Trash}: asked with
     * {@code LIST (SPECIAL-USE)} when the server has SPECIAL-USE, else from plain LIST attributes.
     */
    public Optional<String> specialUse(String attribute) throws ImapException {
        String key = attribute.toLowerCase(Locale.ROOT);
        Optional<String> known = specialUses.get(key);
        if (known == null) {
            known = askSpecialUse(attribute);
            specialUses.put(key, known);
        }
        return known;
    }

    /** Asked once per connection: a LIST per mailbox run would cost a round trip each. */
    private final java.util.Map<String, Optional<String>> specialUses = new java.util.HashMap<>();

    private Optional<String> askSpecialUse(String attribute) throws ImapException {
        String selection = hasCapability("SPECIAL-USE") ? "(SPECIAL-USE)" : null;
        for (ListInfo info : rawList(selection, "*")) {
            if (info.canOpen && info.attrs != null) {
                for (String attr : info.attrs) {
                    if (attr.equalsIgnoreCase(attribute)) {
                        return Optional.of(MailboxNames.fromServer(info.name,
                                new PersonalNamespace(namespace().prefix(), separatorOf(info)), false));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** CREATE and SUBSCRIBE the mailbox unless it exists (RFC 3501 sections 6.3.3, 6.3.6). */
    public void createIfMissing(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(serverName(mailbox));
        boolean exists = rawList(null, wire).stream().anyMatch(i -> i.canOpen);
        if (!exists) {
            create(mailbox);
        }
    }

    /**
     * CREATE and SUBSCRIBE a mailbox the server said does not exist ({@code [TRYCREATE]}, RFC 3501
     * section 6.4.7).
     */
    public void create(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(serverName(mailbox));
        LOG.info("creating mailbox '{}' on {}", mailbox, description);
        counter.increment("SUBSCRIBE");
        // SUBSCRIBE goes with CREATE, not after its answer: subscribing a name that does not exist
        // is allowed (RFC 3501 section 6.3.6), and a refused CREATE still fails the command.
        storeCommand("CREATE", mailbox, p -> {
            int octets = wire.length() * 4 + 40;
            boolean literal = !hasCapability("LITERAL+") && (p.supportsUtf8() || !isPlainAscii(wire));
            List<org.eclipse.angus.mail.iap.Response> answers = Wire.pipeline(p, List.of(
                    new Wire.Pipelined("CREATE", mailboxArgument(p, wire), r -> false, octets, literal),
                    new Wire.Pipelined("SUBSCRIBE", mailboxArgument(p, wire), r -> false, octets, literal)), r -> { });
            for (org.eclipse.angus.mail.iap.Response answer : answers) {
                p.handleResult(answer);
            }
            return null;
        });
    }

    private static boolean isPlainAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /**
     * UIDNEXT of a mailbox that is not the selected one ({@code STATUS name (UIDNEXT)}, RFC 3501
     * section 6.3.10): every message that arrives there from now on gets a UID at least this.
     */
    public long uidNext(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(serverName(mailbox));
        long[] next = {-1};
        storeCommand("STATUS", mailbox, p -> {
            Wire.run(p, "STATUS", mailboxArgument(p, wire).writeAtom("(UIDNEXT)"), r -> {
                if (r instanceof IMAPResponse ir && ir.keyEquals("STATUS")) {
                    next[0] = new org.eclipse.angus.mail.imap.protocol.Status(ir).uidnext;
                    return true;
                }
                return false;
            }, r -> { });
            return null;
        });
        if (next[0] < 1) {
            throw new ImapException("STATUS " + mailbox + " on " + description + " gave no UIDNEXT", null, null);
        }
        return next[0];
    }

    /**
     * {@code APPEND mailbox (flags) "internal-date" {n}} (RFC 3501 section 6.3.11): puts a message
     * back with its flags and arrival time.
     *
     * @return its UID from {@code APPENDUID} (RFC 4315), or 0 when the server has no UIDPLUS
     */
    public long append(String mailbox, java.util.Collection<String> flags, java.time.Instant internalDate,
                       byte[] content) throws ImapException {
        String serverName = serverName(mailbox);
        jakarta.mail.Flags f = new jakarta.mail.Flags();
        FlagNames.list(flags);  // refuses what is not a storable flag
        for (String flag : flags) {
            switch (flag.toLowerCase(java.util.Locale.ROOT)) {
                case "\\seen" -> f.add(jakarta.mail.Flags.Flag.SEEN);
                case "\\answered" -> f.add(jakarta.mail.Flags.Flag.ANSWERED);
                case "\\flagged" -> f.add(jakarta.mail.Flags.Flag.FLAGGED);
                case "\\deleted" -> f.add(jakarta.mail.Flags.Flag.DELETED);
                case "\\draft" -> f.add(jakarta.mail.Flags.Flag.DRAFT);
                default -> f.add(flag);
            }
        }
        org.eclipse.angus.mail.iap.Literal literal = new org.eclipse.angus.mail.iap.Literal() {
            @Override
            public int size() {
                return content.length;
            }

            @Override
            public void writeTo(java.io.OutputStream os) throws java.io.IOException {
                os.write(content);
            }
        };
        Object uid = storeCommand("APPEND", mailbox, p -> {
            org.eclipse.angus.mail.imap.AppendUID a = p.appenduid(serverName, f,
                    internalDate == null ? null : java.util.Date.from(internalDate), literal);
            return a == null ? 0L : a.uid;
        });
        return (Long) uid;
    }

    /**
     * SELECT (or EXAMINE when {@code readOnly}); closes a mailbox selected before. Where the server
     * has CONDSTORE, the mailbox is selected with it, so that stores never overwrite another
     * client's unseen change and the mailbox's HIGHESTMODSEQ is known.
     */
    public SelectedMailbox select(String mailbox, boolean readOnly) throws ImapException {
        if (selected != null) {
            selected.close();
        }
        String verb = readOnly ? "EXAMINE" : "SELECT";
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(serverName(mailbox));
            counter.increment(verb);
            // CONDSTORE (RFC 7162) makes every later STORE conditional and reports HIGHESTMODSEQ,
            // which the mailbox cache needs for read-only (dry) runs too.
            boolean condstore = hasCapability("CONDSTORE");
            if (!selectedBefore && condstore && hasCapability("QRESYNC")) {
                enableQresync();  // not written ahead at login (no ENABLE capability announced)
            }
            selectedBefore = true;
            if (condstore) {
                // With QRESYNC enabled Angus sends no ENABLE CONDSTORE, only SELECT ... (CONDSTORE).
                folder.open(readOnly ? Folder.READ_ONLY : Folder.READ_WRITE, ResyncData.CONDSTORE);
            } else {
                folder.open(readOnly ? Folder.READ_ONLY : Folder.READ_WRITE);
            }
            boolean qresync = condstore && (Boolean) folder.doCommand(p -> p.isEnabled("QRESYNC"));
            selected = new SelectedMailbox(this, mailbox, folder, readOnly, condstore, qresync);
            return selected;
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " " + mailbox + " on " + description, guard);
        } catch (RuntimeException e) {
            throw unreadable(verb + " " + mailbox + " on " + description, e, guard);
        }
    }

    /**
     * {@code ENABLE QRESYNC} (RFC 7162 section 3.2.3) on the connection the mailbox will be opened on
     * (Angus hands the store's connection to the folder): the mailbox cache then learns which messages
     * were expunged from the mod-sequences alone. From here on the server reports expunges as
     * {@code VANISHED}, which Angus and {@link SelectedMailbox} count like {@code EXPUNGE}. Whether
     * it took is read back from the folder's connection after SELECT; a refusal only means the
     * cache refreshes without it.
     */
    private void enableQresync() {
        try {
            storeCommand("ENABLE", "QRESYNC", p -> {
                p.enable("QRESYNC");
                return null;
            });
            LOG.debug("QRESYNC enabled on {}", description);
        } catch (ImapException e) {
            LOG.debug("ENABLE QRESYNC refused by {}: {}", description, e.getMessage());
        }
    }

    public CommandCounter counter() {
        return counter;
    }

    /**
     * True when the connection answers: it answered within the last second (no command needed, as
     * Angus's own folder keep-alive reckons), or it answers a NOOP (Angus's {@code isConnected}).
     */
    public boolean isAlive() {
        return answeredWithin(1000) || store.isConnected();
    }

    /**
     * True unless the connection is known to be closed; sends nothing. A connection the server dropped
     * while it was idle shows as soon as the next command is sent (its answer never comes): that costs
     * nothing where the connection is alive, where a NOOP to check would cost a round trip each time.
     */
    public boolean isOpen() {
        return guard.socketOpen();
    }

    /**
     * How many responses the server sent on this connection so far (sends nothing): unchanged over a
     * failed run means the server answered none of it, so none of it was done.
     */
    public long responsesRead() {
        LineEndTolerantProtocol p = protocol;
        return p == null ? -1 : p.responsesRead();
    }

    /** The connection's protocol object (Angus hands it to the selected folder too); null if not ours. */
    private volatile LineEndTolerantProtocol protocol;

    private boolean answeredWithin(long millis) {
        try {
            long last = (Long) ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> p.getTimestamp());
            return System.currentTimeMillis() - last < millis;
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    /** Closes the selected mailbox without expunging, then logs out. */
    @Override
    public void close() {
        if (selected != null) {
            selected.close();
        }
        try {
            store.close();
        } catch (MessagingException e) {
            LOG.debug("closing the connection to {}: {}", description, e.toString());
        }
    }

    /** {@code user@host:port}: which server and login this is (never a secret). */
    public String description() {
        return description;
    }

    void deselected(SelectedMailbox mailbox) {
        if (selected == mailbox) {
            selected = null;
        }
    }

    /** A mailbox name argument: UTF-8 when the server enabled UTF8=ACCEPT, else modified UTF-7 (ASCII). */
    static Argument mailboxArgument(IMAPProtocol p, String wireName) {
        return new Argument().writeString(p.supportsUtf8() ? MailboxNames.decode(wireName) : wireName,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs a command that needs no selected mailbox, on the selected mailbox's connection if any. */
    Object storeCommand(String verb, String what, IMAPFolder.ProtocolCommand command) throws ImapException {
        counter.increment(verb);
        try {
            IMAPFolder folder = selected != null && selected.isOpen() ? selected.folder()
                    : (IMAPFolder) store.getDefaultFolder();
            return folder.doCommand(command);
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " " + what + " on " + description, guard);
        } catch (RuntimeException e) {
            throw unreadable(verb + " " + what + " on " + description, e, guard);
        }
    }

    private List<ListInfo> rawList(String selection, String wirePattern) throws ImapException {
        String command = selection == null ? "LIST" : "LIST " + selection;
        @SuppressWarnings("unchecked")
        List<ListInfo> infos = (List<ListInfo>) storeCommand("LIST", wirePattern, p -> {
            List<ListInfo> out = new ArrayList<>();
            Argument args = new Argument().writeString("").writeString(wirePattern);
            Wire.run(p, command, args, r -> {
                if (r instanceof IMAPResponse ir && ir.keyEquals("LIST")) {
                    out.add(new ListInfo(ir));
                    return true;
                }
                return false;
            }, r -> { });
            return out;
        });
        return infos;
    }

    private char separatorOf(ListInfo info) throws ImapException {
        return info.separator != '\0' ? info.separator : separator();
    }

    private String readGreeting() throws ImapException {
        try {
            return (String) ((IMAPFolder) store.getDefaultFolder()).doCommand(
                    p -> p instanceof LineEndTolerantProtocol t ? t.greeting() : "");
        } catch (MessagingException e) {
            throw Failures.of(e, "reading the greeting of " + description);
        }
    }

    private Set<String> readCapabilities() throws ImapException {
        try {
            IMAPFolder root = (IMAPFolder) store.getDefaultFolder();
            Set<String> caps = new TreeSet<>();
            root.doCommand(p -> {
                // Login just ended; Angus stamps only the answers of its Protocol.command
                Wire.answered(p);
                for (String c : p.getCapabilities().keySet()) {
                    caps.add(c.toUpperCase(Locale.ROOT));
                }
                return null;
            });
            return Collections.unmodifiableSet(caps);
        } catch (MessagingException e) {
            throw Failures.of(e, "CAPABILITY on " + description, guard);
        }
    }
}
