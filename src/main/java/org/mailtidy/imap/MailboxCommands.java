package org.mailtidy.imap;

import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * Sends the commands of one selected mailbox, alone or pipelined, with every untagged response
 * seen by {@link UntaggedResponses}; words failures and refusals as "verb in mailbox", and refuses
 * changes on a read-only mailbox or after its UIDVALIDITY changed. What the concern classes
 * ({@link TableFetches}, {@link MailboxSearches}, {@link StoreFlights}, ...) share.
 */
final class MailboxCommands {
    private static final Pattern HIGHESTMODSEQ_CODE = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]",
            Pattern.CASE_INSENSITIVE);

    private final ImapConnection connection;
    private final String name;
    private final IMAPFolder folder;
    private final boolean readOnly;
    /** Present when the mailbox was selected writable with CONDSTORE and has mod-sequences. */
    private final ModSeqGuards guards;
    /** True when the session has QRESYNC enabled and the mailbox has mod-sequences. */
    private final boolean qresync;
    private final UntaggedResponses untagged;

    MailboxCommands(ImapConnection connection, String name, IMAPFolder folder, boolean readOnly,
                    ModSeqGuards guards, boolean qresync, UntaggedResponses untagged) {
        this.connection = connection;
        this.name = name;
        this.folder = folder;
        this.readOnly = readOnly;
        this.guards = guards;
        this.qresync = qresync;
        this.untagged = untagged;
    }

    ImapConnection connection() {
        return connection;
    }

    String name() {
        return name;
    }

    /** The CONDSTORE guards; null without conditional stores. */
    ModSeqGuards guards() {
        return guards;
    }

    boolean qresync() {
        return qresync;
    }

    int exists() {
        return untagged.exists();
    }

    void requireWritable(String verb) throws ImapException {
        if (readOnly) {
            throw new ImapException("refusing " + verb + " in " + name + ": the mailbox was opened read-only");
        }
        if (untagged.uidValidityChanged()) {
            throw new ImapException.UidValidityChanged("refusing " + verb + " in " + name
                    + ": its UIDVALIDITY changed during the session, so the UIDs are no longer valid");
        }
    }

    interface PieceCommand {
        void send(String piece) throws ImapException;
    }

    static void forEachPiece(long[] uids, String prefix, String suffix, PieceCommand command)
            throws ImapException {
        for (String piece : UidSets.split(uids, Wire.setBudget(prefix, suffix))) {
            command.send(piece);
        }
    }

    void run(String verb, String command, Argument args, Wire.Handler handler) throws ImapException {
        runWith(verb, p -> command, p -> args, handler);
    }

    /** Runs the command; returns its tagged OK response. */
    Response runWith(String verb, Function<IMAPProtocol, String> command,
                     Function<IMAPProtocol, Argument> args, Wire.Handler handler) throws ImapException {
        connection.counter().increment(verb);
        untagged.commandStarts();
        try {
            return (Response) folder.doCommand(p -> Wire.run(p, command.apply(p), args.apply(p), handler,
                    untagged::observe));
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " in " + name, connection.guard());
        } catch (RuntimeException e) {
            throw ImapConnection.unreadable(verb + " in " + name, e, connection.guard());
        }
    }

    /**
     * Reads the answers of the commands written ahead (those of the opening, written with the SELECT),
     * one wait for all of them; untagged responses are watched as a command's would be.
     */
    void readAhead(String verb) throws ImapException {
        untagged.commandStarts();
        try {
            folder.doCommand(p -> {
                if (p instanceof LineEndTolerantProtocol t) {
                    try {
                        t.drainAhead(untagged::observe);
                    } catch (java.io.IOException e) {
                        // as for a command of its own: Angus learns that the connection is gone
                        Wire.failConnection(p, Response.byeResponse(e));
                    }
                }
                return null;
            });
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " in " + name, connection.guard());
        } catch (RuntimeException e) {
            throw ImapConnection.unreadable(verb + " in " + name, e, connection.guard());
        }
    }

    /** A NO or BAD answer to one pipelined command, worded as for a command sent alone. */
    ImapException refusal(String verb, Response tagged) {
        org.eclipse.angus.mail.iap.ProtocolException e = tagged.isBAD()
                ? new org.eclipse.angus.mail.iap.BadCommandException(tagged)
                : new org.eclipse.angus.mail.iap.CommandFailedException(tagged);
        return Failures.of(e, verb + " in " + name, connection.guard());
    }

    /** Builds commands with the protocol at hand (their arguments depend on it) and sends nothing. */
    void pipelinedNothing(java.util.function.Consumer<IMAPProtocol> use) throws ImapException {
        try {
            folder.doCommand(p -> {
                use.accept(p);
                return null;
            });
        } catch (MessagingException e) {
            throw Failures.of(e, "UID MOVE in " + name, connection.guard());
        }
    }

    List<Response> pipelined(String verb, List<Wire.Pipelined> flight) throws ImapException {
        return pipelined(verb, p -> flight);
    }

    /** Sends the flight pipelined; returns the tagged answers in order. */
    List<Response> pipelined(String verb, Function<IMAPProtocol, List<Wire.Pipelined>> flight)
            throws ImapException {
        return pipelined(verb, flight, (i, r) -> { });
    }

    @SuppressWarnings("unchecked")
    List<Response> pipelined(String verb, Function<IMAPProtocol, List<Wire.Pipelined>> flight,
                             Wire.Answered each) throws ImapException {
        untagged.commandStarts();
        try {
            return (List<Response>) folder.doCommand(p -> Wire.pipeline(p, flight.apply(p), untagged::observe,
                    each));
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " in " + name, connection.guard());
        } catch (RuntimeException e) {
            throw ImapConnection.unreadable(verb + " in " + name, e, connection.guard());
        }
    }

    /** Throws the first NO or BAD among a flight's tagged answers. */
    void requireAllOk(String verb, List<Response> answers) throws ImapException {
        for (Response tagged : answers) {
            if (!tagged.isOK()) {
                throw refusal(verb, tagged);
            }
        }
    }

    /**
     * A UID past 32 bits, or more flags on one message than {@link ServerLimits#maxKeywords()}: the
     * server is not to be believed about this mailbox.
     */
    void checkUidAndFlags(String verb, UID uid, FLAGS flags) throws ImapException {
        checkUidAndFlags(connection, name, verb, uid, flags);
    }

    /** The same, before a mailbox's commands exist (answers written ahead with its SELECT). */
    static void checkUidAndFlags(ImapConnection connection, String name, String verb, UID uid, FLAGS flags)
            throws ImapException {
        String server = connection.guard().server();
        if (uid != null && (uid.uid < 1 || uid.uid > ServerLimits.MAX_UID)) {
            throw new ImapException.ServerMisbehaved(verb + " in " + name + " failed: " + server + " sent UID "
                    + uid.uid + " (UIDs are 1 to " + ServerLimits.MAX_UID + ")", null);
        }
        int limit = connection.guard().limits().maxKeywords();
        if (flags != null) {
            int n = flags.getSystemFlags().length + flags.getUserFlags().length;
            if (n > limit) {
                throw new ImapException.ServerMisbehaved(String.format(java.util.Locale.ROOT,
                        "%s in %s failed: %s sent %,d flags for UID %s (limit %,d)", verb, name, server, n,
                        uid == null ? "?" : Long.toString(uid.uid), limit), null);
            }
        }
    }

    /**
     * With QRESYNC the tagged OK of an expunging command names the new HIGHESTMODSEQ (RFC 7162
     * section 3.2.10), which the guards may count as this session's own change.
     */
    void ownExpungeDone(Response tagged) {
        if (guards == null) {
            return;
        }
        Matcher m = HIGHESTMODSEQ_CODE.matcher(tagged.getRest());
        if (m.find()) {
            guards.expunged(Long.parseLong(m.group(1)), untagged.expungedSinceCommandStarted());
        }
    }

    /** The mailbox name on the wire takes this much room beyond its length: quotes and escapes. */
    static String mailboxRoom(String wire) {
        return " " + wire + "\"\"" + "\\".repeat((int) wire.chars().filter(c -> c == '"' || c == '\\').count());
    }

    static boolean isAscii(String s) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }
}
