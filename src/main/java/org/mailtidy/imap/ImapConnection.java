package org.mailtidy.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in IMAP connection (Angus {@link IMAPStore}) with at most one selected mailbox at a
 * time. Mailbox names are UTF-8 with {@code /} as separator on this side of the API. Logging in is
 * {@link ImapLogin}'s; ENABLE and NAMESPACE (written ahead) {@link EnableAndNamespace}'s; LIST,
 * CREATE, SUBSCRIBE and STATUS {@link MailboxDirectory}'s.
 */
public final class ImapConnection implements ImapSession {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private final IMAPStore store;
    private final String description;
    private final Set<String> capabilities;
    /** The server's greeting line, to tell servers apart where capabilities do not ({@link #sentDatesInUtc}). */
    private final String greeting;
    private final CommandCounter counter = new CommandCounter();
    private final EnableAndNamespace ahead;
    private final MailboxDirectory mailboxes;
    private SelectedMailbox selected;

    private final ResponseGuard guard;

    private ImapConnection(IMAPStore store, String description, Set<String> capabilities, ResponseGuard guard,
                           String greeting) {
        this.store = store;
        this.description = description;
        this.capabilities = capabilities;
        this.guard = guard;
        this.greeting = greeting;
        this.ahead = new EnableAndNamespace(this, store);
        this.mailboxes = new MailboxDirectory(this);
    }

    /** Connects and logs in; TLS is verified (certificate and host name) unless {@code NONE}. */
    public static ImapConnection connect(ConnectionSettings s) throws ImapException {
        ImapLogin.LoggedIn in = ImapLogin.logIn(s);
        ImapConnection ready = new ImapConnection(in.store(), s.describe(), in.capabilities(), in.guard(),
                in.greeting());
        // What every run needs and nothing waits for rides in the flight of the first command.
        ready.ahead.writeAhead(t -> ready.protocol = t);
        return ready;
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
        return mailboxes.separator();
    }

    /**
     * The personal namespace (RFC 2342), asked once per connection with {@code NAMESPACE} where the
     * server has it; else no prefix and the separator of {@code LIST "" ""}.
     */
    PersonalNamespace namespace() throws ImapException {
        return ahead.namespace();
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
        return mailboxes.list(pattern);
    }

    /**
     * The mailbox with a special-use attribute (RFC 6154) such as {@code \Trash}: asked with
     * {@code LIST (SPECIAL-USE)} when the server has SPECIAL-USE, else from plain LIST attributes.
     */
    public Optional<String> specialUse(String attribute) throws ImapException {
        return mailboxes.specialUse(attribute);
    }

    /** CREATE and SUBSCRIBE the mailbox unless it exists (RFC 3501 sections 6.3.3, 6.3.6). */
    public void createIfMissing(String mailbox) throws ImapException {
        mailboxes.createIfMissing(mailbox);
    }

    /**
     * CREATE a mailbox the server said does not exist ({@code [TRYCREATE]}, RFC 3501 section 6.4.7),
     * and SUBSCRIBE it once the CREATE is answered OK.
     */
    public void create(String mailbox) throws ImapException {
        mailboxes.create(mailbox);
    }

    /**
     * Whether a command naming {@code wireName} can be written ahead (docs/adr/0014): not one command
     * at a time, and no synchronizing literal (which waits for the server's continuation).
     */
    boolean canWriteAhead(String wireName) {
        LineEndTolerantProtocol p = protocol;
        return p != null && p.writesAhead()
                && (hasCapability("LITERAL+") || !p.supportsUtf8() && wireName.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    }

    /** LIST, CREATE, SUBSCRIBE and STATUS, and the mailboxes this connection knows to exist. */
    MailboxDirectory mailboxes() {
        return mailboxes;
    }

    /**
     * UIDNEXT of a mailbox that is not the selected one ({@code STATUS name (UIDNEXT)}, RFC 3501
     * section 6.3.10): every message that arrives there from now on gets a UID at least this.
     */
    public long uidNext(String mailbox) throws ImapException {
        return mailboxes.uidNext(mailbox);
    }


    /** {@code APPEND} with flags and arrival time ({@link Appends}); its UID, or 0 without UIDPLUS. */
    public long append(String mailbox, java.util.Collection<String> flags, java.time.Instant internalDate,
                       byte[] content) throws ImapException {
        return Appends.append(this, mailbox, flags, internalDate, content);
    }

    /**
     * SELECT (or EXAMINE when {@code readOnly}); closes a mailbox selected before. Where the server
     * has CONDSTORE, the mailbox is selected with it, so that stores never overwrite another
     * client's unseen change and the mailbox's HIGHESTMODSEQ is known.
     */
    public SelectedMailbox select(String mailbox, boolean readOnly) throws ImapException {
        return select(mailbox, readOnly, Opening.NONE);
    }

    /**
     * {@link #select(String, boolean)} with what the run will ask next written in the SELECT's flight
     * (docs/adr/0015): the mailbox's table FETCH and searches answer only a request equal to theirs.
     */
    @Override
    public SelectedMailbox select(String mailbox, boolean readOnly, Opening opening) throws ImapException {
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
            ahead.selecting();
            OpeningAnswers answers = writtenWithSelect(opening, mailbox);
            try {
                if (condstore) {
                    // With QRESYNC enabled Angus sends no ENABLE CONDSTORE, only SELECT ... (CONDSTORE).
                    folder.open(readOnly ? Folder.READ_ONLY : Folder.READ_WRITE, ResyncData.CONDSTORE);
                } else {
                    folder.open(readOnly ? Folder.READ_ONLY : Folder.READ_WRITE);
                }
            } finally {
                if (protocol != null) {
                    protocol.afterNextSelect(null);
                }
            }
            boolean qresync = condstore && (Boolean) folder.doCommand(p -> p.isEnabled("QRESYNC"));
            selected = new SelectedMailbox(this, mailbox, folder, readOnly, condstore, qresync, answers);
            return selected;
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " " + mailbox + " on " + description, guard);
        } catch (RuntimeException e) {
            throw unreadable(verb + " " + mailbox + " on " + description, e, guard);
        }
    }

    /**
     * Queues the opening to be written right after the SELECT: not one command at a time
     * ({@code mailtidy.imap.pipeline=1}), and searches only with ESEARCH (a plain SEARCH answer names
     * no command) and where none needs a synchronizing literal (it would wait for a continuation).
     */
    private OpeningAnswers writtenWithSelect(Opening opening, String mailbox) {
        LineEndTolerantProtocol p = protocol;
        boolean oneAtATime = Integer.getInteger(Wire.MAX_IN_FLIGHT_PROPERTY, Wire.MAX_IN_FLIGHT_COMMANDS) <= 1;
        if (p == null || oneAtATime || opening.isEmpty()) {
            return OpeningAnswers.NONE;
        }
        boolean literalPlus = hasCapability("LITERAL+");
        boolean searches = hasCapability("ESEARCH") && opening.searches().stream().allMatch(r -> literalPlus
                || r.program().stream().allMatch(a -> a.match(atom -> true, str -> str.value().chars()
                .allMatch(ch -> ch >= 0x20 && ch <= 0x7e))));
        Opening sent = searches ? opening : new Opening(opening.tableFrom(), List.of());
        if (sent.isEmpty()) {
            return OpeningAnswers.NONE;
        }
        OpeningAnswers answers = OpeningAnswers.of(sent);
        p.afterNextSelect(answers.commands(this, mailbox, p.supportsUtf8()));
        return answers;
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
}
