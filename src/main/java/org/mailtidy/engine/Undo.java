package org.mailtidy.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.mailtidy.config.Account;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.StoreMode;
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
    private static final String CHANGED = "changed since the run by another client or a later run";

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
    private final boolean dryRun;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, ImapConnection> connections = new HashMap<>();
    /**
     * Messages (account, mailbox, UIDVALIDITY, UID) whose flags this undo already put back, moved back
     * or appended: an older run's recorded mod-sequence predates that, so only the flags are compared.
     */
    private final Set<String> restored = new HashSet<>();
    /**
     * Messages this undo moved back or appended again, to their new UID in the same mailbox: an older
     * run's lines name them by the UID they had then.
     */
    private final Map<String, Long> renamed = new HashMap<>();
    private final Optional<StateDir> state;

    public Undo(Accounts accounts, AccountRun.Connector connector, boolean dryRun) {
        this(accounts, connector, dryRun, Optional.empty());
    }

    /** With the state directory whose copy records must forget the copies this undo removes. */
    public Undo(Accounts accounts, AccountRun.Connector connector, boolean dryRun, Optional<StateDir> state) {
        this.accounts = accounts;
        this.connector = connector;
        this.dryRun = dryRun;
        this.state = state;
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
        return new Report(entries);
    }

    private void undoMailboxRun(List<AuditLog.Line> unit) {
        AuditLog.Line head = unit.get(0);
        Map<Long, List<AuditLog.Line>> byUid = new LinkedHashMap<>();
        unit.forEach(l -> byUid.computeIfAbsent(l.uid(), u -> new ArrayList<>()).add(l));
        List<AuditedMessage> messages = byUid.values().stream().map(AuditedMessage::new).toList();
        Optional<Account> account = accounts.find(head.account());
        if (account.isEmpty()) {
            messages.forEach(m -> notUndone(m.first(), "account " + head.account() + " is not in the configuration"));
            return;
        }
        int reported = entries.size();
        try {
            ImapConnection c = connection(account.get());
            removeCopies(c, messages);
            Map<Long, Long> movedBack = moveBack(c, head.mailbox(), messages);
            restoreInMailbox(c, head, messages, movedBack);
        } catch (ImapException | RuntimeException e) {
            LOG.warn("undo of run {} in {} {} stopped: {}", head.run(), head.account(), head.mailbox(), e.toString());
            ImapConnection broken = connections.remove(head.account());
            if (broken != null) {
                broken.close();
            }
            Map<Long, Long> told = entries.subList(reported, entries.size()).stream()
                    .collect(Collectors.groupingBy(Entry::uid, Collectors.counting()));
            messages.stream().filter(m -> told.getOrDefault(m.first().uid(), 0L) < m.parts())
                    .forEach(m -> notUndone(m.first(), "the undo stopped before "
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

    /** The run's copies, per destination: UID EXPUNGE of exactly those, each still as the run made it. */
    private void removeCopies(ImapConnection c, List<AuditedMessage> messages) throws ImapException {
        Map<String, List<AuditLog.Line>> byDestination = new LinkedHashMap<>();
        messages.forEach(m -> m.copies().forEach(l -> byDestination.computeIfAbsent(l.destination(),
                d -> new ArrayList<>()).add(l)));
        for (Map.Entry<String, List<AuditLog.Line>> e : byDestination.entrySet()) {
            String destination = e.getKey();
            SelectedMailbox box = open(c, destination, e.getValue());
            if (box == null) {
                continue;
            }
            Found found = find(box, e.getValue(), destination);
            List<Long> remove = new ArrayList<>();
            List<AuditLog.Line> removing = new ArrayList<>();
            for (AuditLog.Line l : found.lines) {
                long uid = found.uid.get(l);
                List<String> now = found.table.flags(found.table.indexOf(uid));
                if (!FlagLists.same(now, l.flagsAfter())) {
                    notUndone(l, "its copy in " + destination + " (UID " + uid + ") was changed since the run"
                            + changedFlags(now, l.flagsAfter()) + "; left alone");
                } else {
                    remove.add(uid);
                    removing.add(l);
                }
            }
            if (remove.isEmpty()) {
                continue;
            }
            if (!c.hasCapability("UIDPLUS")) {
                removing.forEach(l -> notUndone(l, "its copy in " + destination + " cannot be removed: the server"
                        + " has no UIDPLUS (RFC 4315), and a plain EXPUNGE would remove other \\Deleted mail"));
                continue;
            }
            long[] uids = remove.stream().mapToLong(Long::longValue).sorted().toArray();
            Set<Long> refused = new HashSet<>();
            if (!dryRun) {
                LongStream.of(box.store(uids, StoreMode.ADD, List.of("\\Deleted"))).forEach(refused::add);
                long[] expunge = LongStream.of(uids).filter(u -> !refused.contains(u)).toArray();
                if (expunge.length > 0) {
                    box.uidExpunge(expunge);
                }
            }
            for (AuditLog.Line l : removing) {
                long uid = found.uid.get(l);
                if (refused.contains(uid)) {
                    notUndone(l, "its copy in " + destination + " (UID " + uid + ") was changed by another client"
                            + " during the undo; left alone");
                } else {
                    undone(l, "copy in " + destination + " (UID " + uid + ") removed");
                    if (!dryRun) {
                        forgetCopy(l);
                    }
                }
            }
        }
    }

    /** The copy record (copy once) no longer counts this copy as made. */
    private void forgetCopy(AuditLog.Line l) {
        if (state.isEmpty()) {
            return;
        }
        Path file = state.get().mailboxFile("copied", l.account(), l.mailbox(), ".bin");
        try {
            new CopyLedger(file).forget(l.uidValidity(), l.rule(), l.destination(), new long[] {l.uid()});
        } catch (IOException e) {
            LOG.warn("{} {}: cannot update the copy record {}: {}; rule {} will not copy UID {} again", l.account(),
                    l.mailbox(), file, e.toString(), l.rule(), l.uid());
        }
    }

    /**
     * Moves the run's moved and trashed messages back, each only if it still carries the flags the
     * run gave it.
     *
     * @return the moved-back messages' old UIDs (in the audited mailbox) to their new ones there; a
     *         message without a known new UID is absent
     */
    private Map<Long, Long> moveBack(ImapConnection c, String mailbox, List<AuditedMessage> messages) throws ImapException {
        Map<String, List<AuditLog.Line>> byDestination = new LinkedHashMap<>();
        messages.forEach(m -> m.leaving().ifPresent(l -> byDestination.computeIfAbsent(l.destination(),
                d -> new ArrayList<>()).add(l)));
        Map<Long, Long> movedBack = new HashMap<>();
        for (Map.Entry<String, List<AuditLog.Line>> e : byDestination.entrySet()) {
            String destination = e.getKey();
            SelectedMailbox box = open(c, destination, e.getValue());
            if (box == null) {
                continue;
            }
            Found found = find(box, e.getValue(), destination);
            Map<Long, AuditLog.Line> moving = new LinkedHashMap<>();
            for (AuditLog.Line l : found.lines) {
                long uid = found.uid.get(l);
                List<String> now = found.table.flags(found.table.indexOf(uid));
                if (!FlagLists.same(now, l.flagsAfter())) {
                    notUndone(l, "in " + destination + " (UID " + uid + ") it was changed since the run"
                            + changedFlags(now, l.flagsAfter()) + "; left there");
                } else {
                    moving.put(uid, l);
                }
            }
            if (moving.isEmpty()) {
                continue;
            }
            if (dryRun) {
                moving.forEach((uid, l) -> undone(l, "move back from " + destination + " (UID " + uid + ")"
                        + flagsBack(l.flagsAfter(), l.flagsBefore())));
                continue;
            }
            long[] uids = moving.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
            CopiedUids back;
            if (c.hasCapability("MOVE")) {
                back = box.move(uids, mailbox).copied();
            } else if (c.hasCapability("UIDPLUS")) {
                // RFC 6851 section 3.3: COPY, then mark and expunge exactly the originals
                back = box.copy(uids, mailbox);
                Set<Long> refused = new HashSet<>();
                LongStream.of(box.store(uids, StoreMode.ADD, List.of("\\Deleted"))).forEach(refused::add);
                long[] expunge = LongStream.of(uids).filter(u -> !refused.contains(u)).toArray();
                if (expunge.length > 0) {
                    box.uidExpunge(expunge);
                }
            } else {
                moving.values().forEach(l -> notUndone(l, "cannot be moved back from " + destination + ": the server"
                        + " has neither MOVE (RFC 6851) nor UIDPLUS (RFC 4315)"));
                continue;
            }
            Map<Long, Long> target = back.targetBySource();
            moving.forEach((uid, l) -> {
                Long now = target.get(uid);
                if (now == null) {
                    notUndone(l, "moved back from " + destination + ", but the server named no new UID (COPYUID),"
                            + " so its flags were left as the run gave them: " + FlagLists.text(l.flagsAfter()));
                } else {
                    movedBack.put(l.uid(), now);
                    renamed.put(key(l), now);
                    restored.add(key(l));   // a new message: the run's mod-sequence no longer guards it
                }
            });
        }
        return movedBack;
    }

    /**
     * The destination, selected (examined in a dry run); null, with its lines reported, when it
     * cannot be opened (deleted or renamed since the run). A lost connection is thrown.
     */
    private SelectedMailbox open(ImapConnection c, String destination, List<AuditLog.Line> lines)
            throws ImapException {
        try {
            return c.select(destination, dryRun);
        } catch (ImapException.ConnectionLost lost) {
            throw lost;
        } catch (ImapException e) {
            lines.forEach(l -> notUndone(l, destination + " cannot be opened: " + e.getMessage()));
            return null;
        }
    }

    /** In the audited mailbox: moved-back messages' flags, flag changes put back, deleted messages appended. */
    private void restoreInMailbox(ImapConnection c, AuditLog.Line head, List<AuditedMessage> messages,
                                  Map<Long, Long> movedBack) throws ImapException {
        List<AuditedMessage> flagged = messages.stream().filter(m -> m.leaving().isEmpty() && m.deleted().isEmpty()
                && m.flagsChanged()).toList();
        List<AuditedMessage> deleted = messages.stream().filter(m -> m.deleted().isPresent()).toList();
        List<AuditedMessage> moved = messages.stream().filter(m -> m.leaving().isPresent()).toList();
        if (flagged.isEmpty() && deleted.isEmpty() && moved.isEmpty()) {
            return;
        }
        SelectedMailbox box = c.select(head.mailbox(), dryRun);
        MessageTable table = box.fetchTable();
        boolean sameUids = box.uidValidity() == head.uidValidity();
        // a deleted message still there (no UIDPLUS, nothing expunged) only needs its flags put back
        List<AuditedMessage> expunged = new ArrayList<>();
        List<AuditedMessage> restore = new ArrayList<>(flagged);
        for (AuditedMessage m : deleted) {
            if (sameUids && table.indexOf(uidNow(m.first())) >= 0) {
                if (!restore.contains(m)) {
                    restore.add(m);
                }
            } else {
                expunged.add(m);
            }
        }
        putFlagsBack(box, table, sameUids, restore);
        giveMovedBackTheirFlags(box, table, moved, movedBack);
        appendFromBackup(c, box, table, head.mailbox(), expunged);
    }

    private void putFlagsBack(SelectedMailbox box, MessageTable table, boolean sameUids, List<AuditedMessage> restore)
            throws ImapException {
        Map<Guarded, List<AuditedMessage>> groups = new LinkedHashMap<>();
        for (AuditedMessage m : restore) {
            AuditLog.Line l = m.first();
            if (!sameUids) {
                notUndone(l, "the mailbox's UIDVALIDITY changed since the run, so its UIDs name other messages");
                continue;
            }
            int i = table.indexOf(uidNow(l));
            if (i < 0) {
                notUndone(l, "no longer in " + l.mailbox() + " (moved or expunged since the run)");
                continue;
            }
            List<String> expected = m.deleted().isPresent() ? FlagLists.withDeleted(m.left()) : m.left();
            List<String> now = table.flags(i);
            // a delete sends no flag change, so a message left unexpunged may still have its original flags
            boolean asLeft = FlagLists.same(now, expected)
                    || m.deleted().isPresent() && FlagLists.same(now, FlagLists.withDeleted(m.original()));
            if (!asLeft && FlagLists.same(now, m.original())) {
                undone(l, "flags already " + FlagLists.text(m.original()) + " as before the run; nothing to do");
                continue;
            }
            if (!asLeft) {
                notUndone(l, CHANGED + changedFlags(now, expected) + "; left alone");
                continue;
            }
            boolean guarded = box.conditionalStores() && l.modSeq() > 0 && !restored.contains(key(l));
            long guard = guarded ? m.lines().get(m.lines().size() - 1).modSeq() : 0;
            groups.computeIfAbsent(new Guarded(guard, FlagLists.normal(m.original())), k -> new ArrayList<>()).add(m);
        }
        for (Map.Entry<Guarded, List<AuditedMessage>> e : groups.entrySet()) {
            List<AuditedMessage> group = e.getValue();
            AuditedMessage any = group.get(0);
            long guard = e.getKey().modSeq();
            long[] uids = group.stream().mapToLong(m -> uidNow(m.first())).sorted().toArray();
            Set<Long> refused = new HashSet<>();
            if (!dryRun) {
                long[] r = guard > 0 ? box.storeUnchangedSince(uids, guard, StoreMode.REPLACE, any.original())
                        : box.store(uids, StoreMode.REPLACE, any.original());
                LongStream.of(r).forEach(refused::add);
            }
            for (AuditedMessage m : group) {
                AuditLog.Line l = m.first();
                if (refused.contains(uidNow(l))) {
                    notUndone(l, CHANGED + " (its mod-sequence is above the " + guard
                            + " the run left, RFC 7162); left alone");
                } else {
                    restored.add(key(l));
                    undone(l, "flags " + FlagLists.text(m.left()) + " back to " + FlagLists.text(m.original()));
                }
            }
        }
    }

    private void giveMovedBackTheirFlags(SelectedMailbox box, MessageTable table, List<AuditedMessage> moved,
                                         Map<Long, Long> movedBack) throws ImapException {
        for (AuditedMessage m : moved) {
            AuditLog.Line leaving = m.leaving().orElseThrow();
            Long now = movedBack.get(leaving.uid());
            if (now == null) {
                continue;   // reported by moveBack (or a dry run)
            }
            int i = table.indexOf(now);
            if (!FlagLists.same(leaving.flagsAfter(), m.original()) && i >= 0) {
                box.store(new long[] {now}, StoreMode.REPLACE, m.original());
            }
            undone(leaving, "moved back from " + leaving.destination() + " (now UID " + now + ")"
                    + flagsBack(leaving.flagsAfter(), m.original()));
        }
    }

    private void appendFromBackup(ImapConnection c, SelectedMailbox box, MessageTable table, String mailbox,
                                  List<AuditedMessage> expunged) throws ImapException {
        if (expunged.isEmpty()) {
            return;
        }
        Set<String> present = new HashSet<>(box.fetchMessageIds(table.uids()).values().stream().map(String::trim)
                .toList());
        for (AuditedMessage m : expunged) {
            AuditLog.Line d = m.deleted().orElseThrow();
            if (d.backup() == null) {
                notUndone(d, "deleted without a backup (safety.backup_dir was not set), so it cannot be put back");
                continue;
            }
            Path file = Path.of(d.backup());
            if (!Files.isReadable(file)) {
                notUndone(d, "its backup file " + file + " is gone or unreadable");
                continue;
            }
            if (d.messageId() != null && present.contains(d.messageId().trim())) {
                notUndone(d, "a message with its Message-ID is already in " + mailbox + "; not appended twice");
                continue;
            }
            Instant date;
            byte[] content;
            try {
                date = d.internalDate() != null ? d.internalDate() : Files.getLastModifiedTime(file).toInstant();
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                notUndone(d, "its backup file " + file + " cannot be read: " + e.getMessage());
                continue;
            }
            if (dryRun) {
                undone(d, "append from " + file + " with flags " + FlagLists.text(m.original()));
                continue;
            }
            long uid = c.append(mailbox, m.original(), date, content);
            if (uid > 0) {
                renamed.put(key(d), uid);
                restored.add(key(d));
            }
            undone(d, "appended from its backup" + (uid > 0 ? " (now UID " + uid + ")" : "") + " with flags "
                    + FlagLists.text(m.original()));
        }
    }

    /** The audited messages found in a destination: by the recorded UID, else by Message-ID. */
    private static final class Found {
        MessageTable table;
        final List<AuditLog.Line> lines = new ArrayList<>();
        final Map<AuditLog.Line, Long> uid = new HashMap<>();
    }

    private Found find(SelectedMailbox box, List<AuditLog.Line> lines, String destination) throws ImapException {
        Found found = new Found();
        found.table = box.fetchTable();
        long[] candidates = lines.stream().filter(l -> l.destinationUid() > 0
                        && l.destinationUidValidity() == box.uidValidity()
                        && found.table.indexOf(destinationUidNow(l)) >= 0)
                .mapToLong(this::destinationUidNow).sorted().distinct().toArray();
        Map<Long, String> ids = candidates.length == 0 ? Map.of() : box.fetchMessageIds(candidates);
        Set<Long> claimed = new HashSet<>();
        for (AuditLog.Line l : lines) {
            long uid = 0;
            long recorded = destinationUidNow(l);
            if (l.destinationUid() > 0 && l.destinationUidValidity() == box.uidValidity()
                    && found.table.indexOf(recorded) >= 0
                    && (l.messageId() == null || l.messageId().trim().equals(trim(ids.get(recorded))))) {
                uid = recorded;
            } else if (l.messageId() != null) {
                uid = byMessageId(box, l.messageId().trim(), claimed);
            }
            if (uid <= 0 || claimed.contains(uid) || found.table.indexOf(uid) < 0) {
                notUndone(l, "not found in " + destination + (l.messageId() == null ? " (no UID recorded that"
                        + " still names it, and no Message-ID to look for)" : " by its UID or its Message-ID"));
                continue;
            }
            claimed.add(uid);
            found.lines.add(l);
            found.uid.put(l, uid);
        }
        return found;
    }

    /** The one message with this Message-ID not yet claimed; 0 when none or more than one. */
    private static long byMessageId(SelectedMailbox box, String messageId, Set<Long> claimed) throws ImapException {
        long[] hits = box.uidSearch(List.of(new SearchArg.Atom("HEADER"), new SearchArg.Atom("Message-ID"),
                new SearchArg.Str(messageId)), false);
        if (hits.length == 0) {
            return 0;
        }
        Map<Long, String> ids = box.fetchMessageIds(hits);
        long[] exact = LongStream.of(hits).filter(u -> !claimed.contains(u))
                .filter(u -> messageId.equals(trim(ids.get(u)))).toArray();
        return exact.length == 1 ? exact[0] : 0;
    }

    private void undone(AuditLog.Line l, String what) {
        entries.add(new Entry(true, l.account(), l.mailbox(), l.uid(), l.messageId(), what));
    }

    private void notUndone(AuditLog.Line l, String why) {
        entries.add(new Entry(false, l.account(), l.mailbox(), l.uid(), l.messageId(), why));
    }

    private static String key(AuditLog.Line l) {
        return key(l.account(), l.mailbox(), l.uidValidity(), l.uid());
    }

    private static String key(String account, String mailbox, long uidValidity, long uid) {
        return account + "\u0000" + mailbox + "\u0000" + uidValidity + "\u0000" + uid;
    }

    /** The UID the audited message has now in its mailbox (this undo may have moved it back or appended it). */
    private long uidNow(AuditLog.Line l) {
        return renamed.getOrDefault(key(l), l.uid());
    }

    /** The UID the copy or moved message has now in its destination. */
    private long destinationUidNow(AuditLog.Line l) {
        return renamed.getOrDefault(key(l.account(), l.destination(), l.destinationUidValidity(), l.destinationUid()),
                l.destinationUid());
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /** Messages whose flags go back to the same set under the same UNCHANGEDSINCE (0: the session's guard). */
    private record Guarded(long modSeq, Set<String> flags) {
    }

    private static String changedFlags(List<String> now, List<String> left) {
        return " (flags now " + FlagLists.text(now) + ", the run left " + FlagLists.text(left) + ")";
    }

    private static String flagsBack(List<String> carried, List<String> original) {
        return FlagLists.same(carried, original) ? "" : ", flags " + FlagLists.text(carried) + " back to " + FlagLists.text(original);
    }
}
