package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An in-memory {@link ImapSession} for the engine's fast tests: a fake of mailtidy's own seam, not
 * of IMAP (the wire is tested against real servers by the contract tests). It keeps mailboxes of
 * {@link FakeMailbox}, records every command it is given as a readable line ({@code UID STORE 1:3
 * +FLAGS.SILENT (\Seen)}), and answers a command as told ({@link #refuse}): NO, BAD, {@code
 * [MODIFIED]} for a store, or the connection lost, after which every command fails.
 */
public final class FakeImapSession implements ImapSession {
    /** How the fake answers a command it was told to refuse. */
    public sealed interface Answer {
    }

    /** A tagged NO: the command did nothing. */
    public record No(String text) implements Answer {
    }

    /** A tagged BAD: the command did nothing. */
    public record Bad(String text) implements Answer {
    }

    /** A store's OK with {@code [MODIFIED uids]} (RFC 7162): these messages were left alone. */
    public record Modified(long... uids) implements Answer {
    }

    /** The connection drops before the answer: the command did nothing, and nothing more is answered. */
    public record Lost() implements Answer {
    }

    private record Refusal(String prefix, Answer answer) {
    }

    private final Set<String> capabilities = new LinkedHashSet<>(List.of("IMAP4rev1", "UIDPLUS", "MOVE"));
    private final Map<String, FakeMailbox> mailboxes = new LinkedHashMap<>();
    private final Map<String, String> specialUse = new LinkedHashMap<>();
    private final List<String> commands = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final CommandCounter counter = new CommandCounter();
    private boolean alive = true;
    private boolean closed;

    /** A session with INBOX, and UIDPLUS and MOVE. */
    public FakeImapSession() {
        mailbox("INBOX");
    }

    /** The mailbox of that name, made empty if there is none. */
    public FakeMailbox mailbox(String name) {
        return mailboxes.computeIfAbsent(name, n -> new FakeMailbox(this, n, 1000L + mailboxes.size()));
    }

    public boolean exists(String name) {
        return mailboxes.containsKey(name);
    }

    public FakeImapSession withoutCapability(String capability) {
        capabilities.remove(capability);
        return this;
    }

    public FakeImapSession withSpecialUse(String attribute, String mailbox) {
        specialUse.put(attribute, mailbox);
        return this;
    }

    /** The first command not yet refused that starts with {@code prefix} gets {@code answer}. */
    public FakeImapSession refuse(String prefix, Answer answer) {
        refusals.add(new Refusal(prefix, answer));
        return this;
    }

    /** Every command given so far, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Forgets the commands recorded so far (those of a test's own setup). */
    public void forgetCommands() {
        commands.clear();
    }

    /** The commands given so far that start with {@code prefix}. */
    public List<String> commands(String prefix) {
        return commands.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    public boolean closed() {
        return closed;
    }

    /**
     * Records {@code line} and says how to answer it: empty for OK; a NO or BAD as the exception;
     * a {@link Modified} to the caller. A lost connection throws here and for every later command.
     */
    Optional<Answer> send(String line) throws ImapException {
        if (!alive) {
            throw new ImapException.ConnectionLost("connection lost before " + line, null);
        }
        commands.add(line);
        counter.increment(verb(line));
        for (int i = 0; i < refusals.size(); i++) {
            Refusal r = refusals.get(i);
            if (line.startsWith(r.prefix())) {
                refusals.remove(i);
                return Optional.of(r.answer());
            }
        }
        return Optional.empty();
    }

    /** As {@link #send}, for a command with no {@link Modified} answer: NO, BAD and a loss throw. */
    void sendOrThrow(String line) throws ImapException {
        Optional<Answer> answer = send(line);
        if (answer.isPresent()) {
            throw failure(line, answer.get());
        }
    }

    /** The exception a NO, BAD or loss of {@code line} is to the caller. */
    ImapException failure(String line, Answer answer) {
        if (answer instanceof No no) {
            return new ImapException.NoResponse(line + " refused: NO " + no.text(), "NO " + no.text(), null);
        }
        if (answer instanceof Bad bad) {
            return new ImapException.BadResponse(line + " refused: BAD " + bad.text(), "BAD " + bad.text(), null);
        }
        if (answer instanceof Lost) {
            alive = false;
            return new ImapException.ConnectionLost("connection lost during " + line, null);
        }
        throw new IllegalStateException("[MODIFIED] answers only a store, not " + line);
    }

    private static String verb(String line) {
        String[] words = line.split(" ");
        return words[0].equals("UID") && words.length > 1 ? "UID " + words[1] : words[0];
    }

    @Override
    public boolean hasCapability(String capability) {
        return capabilities.contains(capability);
    }

    @Override
    public boolean sentDatesInUtc() {
        return false;
    }

    @Override
    public List<String> list(String pattern) throws ImapException {
        sendOrThrow("LIST \"\" \"" + pattern + "\"");
        Pattern p = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("%", "\\E[^/]*\\Q"));
        return mailboxes.keySet().stream().filter(n -> p.matcher(n).matches()).toList();
    }

    @Override
    public Optional<String> specialUse(String attribute) throws ImapException {
        sendOrThrow("LIST (SPECIAL-USE) \"\" \"*\"");
        return Optional.ofNullable(specialUse.get(attribute));
    }

    @Override
    public void createIfMissing(String mailbox) throws ImapException {
        if (!mailboxes.containsKey(mailbox)) {
            create(mailbox);
        }
    }

    @Override
    public void create(String mailbox) throws ImapException {
        sendOrThrow("CREATE \"" + mailbox + "\"");
        if (mailboxes.containsKey(mailbox)) {
            throw new ImapException.NoResponse("CREATE " + mailbox + " refused: NO [ALREADYEXISTS]",
                    "NO [ALREADYEXISTS] Mailbox exists", null);
        }
        mailbox(mailbox);
    }

    @Override
    public long uidNext(String mailbox) throws ImapException {
        sendOrThrow("STATUS \"" + mailbox + "\" (UIDNEXT)");
        return existing(mailbox, "STATUS").uidNext();
    }

    @Override
    public FakeMailbox select(String mailbox, boolean readOnly) throws ImapException {
        sendOrThrow((readOnly ? "EXAMINE \"" : "SELECT \"") + mailbox + "\"");
        FakeMailbox box = existing(mailbox, readOnly ? "EXAMINE" : "SELECT");
        box.selected(readOnly);
        return box;
    }

    FakeMailbox existing(String mailbox, String verb) throws ImapException {
        FakeMailbox box = mailboxes.get(mailbox);
        if (box == null) {
            throw new ImapException.NoResponse(verb + " " + mailbox + " refused: NO [NONEXISTENT]",
                    "NO [NONEXISTENT] Mailbox doesn't exist", null);
        }
        return box;
    }

    /** A COPY or MOVE to a mailbox that does not exist: NO [TRYCREATE] (RFC 3501 section 6.4.7). */
    FakeMailbox destination(String mailbox, String line) throws ImapException {
        FakeMailbox box = mailboxes.get(mailbox);
        if (box == null) {
            throw new ImapException.NoResponse(line + " refused: NO [TRYCREATE]",
                    "NO [TRYCREATE] Mailbox doesn't exist", null);
        }
        return box;
    }

    @Override
    public CommandCounter counter() {
        return counter;
    }

    @Override
    public boolean isAlive() {
        return alive && !closed;
    }

    @Override
    public String description() {
        return "fake@in-memory";
    }

    @Override
    public void close() {
        closed = true;
    }
}
