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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in IMAP connection (Angus {@link IMAPStore}) with at most one selected mailbox at a
 * time. Mailbox names are UTF-8 with {@code /} as separator on this side of the API.
 */
public final class ImapConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private final IMAPStore store;
    private final String description;
    private final Set<String> capabilities;
    private final CommandCounter counter = new CommandCounter();
    private char separator;
    private SelectedMailbox selected;
    /** Set at the first SELECT or EXAMINE: ENABLE is allowed only before it (RFC 5161 section 3.1). */
    private boolean selectedBefore;

    private final ResponseGuard guard;

    private ImapConnection(IMAPStore store, String description, Set<String> capabilities, ResponseGuard guard) {
        this.store = store;
        this.description = description;
        this.capabilities = capabilities;
        this.guard = guard;
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
        ImapConnection connection = new ImapConnection(store, s.describe(), Set.of(), guard);
        Set<String> caps = connection.readCapabilities();
        LOG.debug("connected to {}; capabilities {}", s.describe(), caps);
        return new ImapConnection(store, s.describe(), caps, guard);
    }

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
            try {
                separator = store.getDefaultFolder().getSeparator();
            } catch (MessagingException e) {
                throw Failures.of(e, "LIST \"\" \"\" on " + description, guard);
            }
        }
        return separator;
    }

    /**
     * Mailboxes matching {@code pattern} ({@code *}, {@code %} wildcards), in the server's LIST order,
     * selectable ones only.
     */
    public List<String> list(String pattern) throws ImapException {
        List<String> names = new ArrayList<>();
        String wirePattern = MailboxNames.encode(MailboxNames.toServer(pattern, separator()));
        for (ListInfo info : rawList(null, wirePattern)) {
            if (info.canOpen) {
                names.add(MailboxNames.fromServer(info.name, separatorOf(info)));
            }
        }
        return names;
    }

    /**
     * The mailbox with a special-use attribute (RFC 6154) such as {@code \Trash}: asked with
     * {@code LIST (SPECIAL-USE)} when the server has SPECIAL-USE, else from plain LIST attributes.
     */
    public Optional<String> specialUse(String attribute) throws ImapException {
        String selection = hasCapability("SPECIAL-USE") ? "(SPECIAL-USE)" : null;
        for (ListInfo info : rawList(selection, "*")) {
            if (info.canOpen && info.attrs != null) {
                for (String attr : info.attrs) {
                    if (attr.equalsIgnoreCase(attribute)) {
                        return Optional.of(MailboxNames.fromServer(info.name, separatorOf(info)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** CREATE and SUBSCRIBE the mailbox unless it exists (RFC 3501 sections 6.3.3, 6.3.6). */
    public void createIfMissing(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(MailboxNames.toServer(mailbox, separator()));
        boolean exists = rawList(null, wire).stream().anyMatch(i -> i.canOpen);
        if (exists) {
            return;
        }
        LOG.info("creating mailbox '{}' on {}", mailbox, description);
        storeCommand("CREATE", mailbox, p -> {
            Wire.run(p, "CREATE", mailboxArgument(p, wire), r -> false, r -> { });
            return null;
        });
        storeCommand("SUBSCRIBE", mailbox, p -> {
            Wire.run(p, "SUBSCRIBE", mailboxArgument(p, wire), r -> false, r -> { });
            return null;
        });
    }

    /**
     * UIDNEXT of a mailbox that is not the selected one ({@code STATUS name (UIDNEXT)}, RFC 3501
     * section 6.3.10): every message that arrives there from now on gets a UID at least this.
     */
    public long uidNext(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(MailboxNames.toServer(mailbox, separator()));
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
        String serverName = MailboxNames.toServer(mailbox, separator());
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
            IMAPFolder folder = (IMAPFolder) store.getFolder(MailboxNames.toServer(mailbox, separator()));
            counter.increment(verb);
            // CONDSTORE (RFC 7162) makes every later STORE conditional and reports HIGHESTMODSEQ,
            // which the mailbox cache needs for read-only (dry) runs too.
            boolean condstore = hasCapability("CONDSTORE");
            if (!selectedBefore && condstore && hasCapability("QRESYNC")) {
                enableQresync();
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

    /** True when the connection answers (Angus sends NOOP if it was idle). */
    public boolean isAlive() {
        return store.isConnected();
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

    private Set<String> readCapabilities() throws ImapException {
        try {
            IMAPFolder root = (IMAPFolder) store.getDefaultFolder();
            Set<String> caps = new TreeSet<>();
            root.doCommand(p -> {
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
