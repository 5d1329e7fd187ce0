package org.mailtidy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.mailtidy.config.Account;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mailtidy undo}: takes back what audit lines record, newest first. The lines are taken in
 * mailbox runs (run, account, mailbox, UIDVALIDITY), the last written first, so that a once pass
 * that moved mail into a mailbox and then changed it there is reversed in the opposite order. Per
 * mailbox run: its copies are removed (UID EXPUNGE of exactly those), its moved and trashed messages
 * moved back, then in the mailbox itself its flag changes put back and its deleted messages appended
 * again from their backup files. Whatever another client changed since the run (other flags than the
 * run left; with CONDSTORE, any change after the run's mod-sequence) is left alone and reported.
 */
public final class Undo {
    private static final Logger LOG = LoggerFactory.getLogger(Undo.class);

    /** One reversal: undone (or, in a dry run, to be undone), or not, and why. */
    public record Entry(boolean undone, String account, String mailbox, long uid, String messageId, String what) {
    }

    /** What an undo did and could not do, in the order it went. */
    public record Report(List<Entry> entries) {
        public Report {
            entries = List.copyOf(entries);
        }

        public long undone() {
            return entries.stream().filter(Entry::undone).count();
        }

        public long notUndone() {
            return entries.size() - undone();
        }
    }

    /** Looks up an account by the id in the audit line; empty when the configuration has none. */
    public interface Accounts {
        Optional<Account> find(String id);
    }

    private final Accounts accounts;
    private final AccountRun.Connector connector;
    private final Map<String, ImapConnection> connections = new HashMap<>();
    private final UndoProgress progress = new UndoProgress();
    private final UndoDestinations destinations;
    private final UndoInMailbox inMailbox;

    public Undo(Accounts accounts, AccountRun.Connector connector, boolean dryRun) {
        this(accounts, connector, dryRun, Optional.empty());
    }

    /** With the state directory whose copy records must forget the copies this undo removes. */
    public Undo(Accounts accounts, AccountRun.Connector connector, boolean dryRun, Optional<StateDir> state) {
        this.accounts = accounts;
        this.connector = connector;
        this.destinations = new UndoDestinations(progress, dryRun, state);
        this.inMailbox = new UndoInMailbox(progress, dryRun);
    }

    /** The lines of run {@code run}, or of every run at or after {@code since}; in file order. */
    public static List<AuditLog.Line> select(List<AuditLog.Line> lines, Optional<String> run,
                                             Optional<Instant> since) {
        return lines.stream().filter(l -> run.map(r -> r.equals(l.run())).orElse(true))
                .filter(l -> since.map(s -> !l.time().isBefore(s)).orElse(true)).toList();
    }

    public Report run(List<AuditLog.Line> lines) {
        Map<String, List<AuditLog.Line>> units = new LinkedHashMap<>();
        for (AuditLog.Line l : lines) {
            units.computeIfAbsent(l.run() + "\u0000" + l.account() + "\u0000" + l.mailbox() + "\u0000" + l.uidValidity(),
                    k -> new ArrayList<>()).add(l);
        }
        List<List<AuditLog.Line>> newestFirst = new ArrayList<>(units.values());
        java.util.Collections.reverse(newestFirst);
        try {
            for (List<AuditLog.Line> unit : newestFirst) {
                undoMailboxRun(unit);
            }
        } finally {
            connections.values().forEach(ImapConnection::close);
        }
        return new Report(progress.entries());
    }

    private void undoMailboxRun(List<AuditLog.Line> unit) {
        AuditLog.Line head = unit.get(0);
        Map<Long, List<AuditLog.Line>> byUid = new LinkedHashMap<>();
        unit.forEach(l -> byUid.computeIfAbsent(l.uid(), u -> new ArrayList<>()).add(l));
        List<AuditedMessage> messages = byUid.values().stream().map(AuditedMessage::new).toList();
        Optional<Account> account = accounts.find(head.account());
        if (account.isEmpty()) {
            messages.forEach(m -> progress.notUndone(m.first(), "account " + head.account() + " is not in the configuration"));
            return;
        }
        int reported = progress.entries().size();
        try {
            ImapConnection c = connection(account.get());
            destinations.removeCopies(c, messages);
            Map<Long, Long> movedBack = destinations.moveBack(c, head.mailbox(), messages);
            inMailbox.restore(c, head, messages, movedBack);
        } catch (ImapException | RuntimeException e) {
            LOG.warn("undo of run {} in {} {} stopped: {}", head.run(), head.account(), head.mailbox(), e.toString());
            ImapConnection broken = connections.remove(head.account());
            if (broken != null) {
                broken.close();
            }
            Map<Long, Long> told = progress.entries().subList(reported, progress.entries().size()).stream()
                    .collect(Collectors.groupingBy(Entry::uid, Collectors.counting()));
            messages.stream().filter(m -> told.getOrDefault(m.first().uid(), 0L) < m.parts())
                    .forEach(m -> progress.notUndone(m.first(), "the undo stopped before "
                            + (told.containsKey(m.first().uid()) ? "the rest of it" : "it") + ": " + e.getMessage()));
        }
    }

    private ImapConnection connection(Account account) throws ImapException {
        ImapConnection c = connections.get(account.id());
        if (c == null || !c.isAlive()) {
            c = connector.connect(account);
            connections.put(account.id(), c);
        }
        return c;
    }
}
