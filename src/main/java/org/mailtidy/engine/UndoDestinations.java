package org.mailtidy.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.mailtidy.engine.journal.CopyLedger;
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
 * The part of {@code mailtidy undo} in the destinations of a mailbox run: its copies removed, its
 * moved and trashed messages moved back, each found by its recorded UID or else its Message-ID and
 * touched only if it still carries the flags the run gave it.
 */
final class UndoDestinations {
    private static final Logger LOG = LoggerFactory.getLogger(UndoDestinations.class);

    private final UndoProgress progress;
    private final boolean dryRun;
    private final Optional<StateDir> state;

    UndoDestinations(UndoProgress progress, boolean dryRun, Optional<StateDir> state) {
        this.progress = progress;
        this.dryRun = dryRun;
        this.state = state;
    }

    /** The run's copies, per destination: UID EXPUNGE of exactly those, each still as the run made it. */
    void removeCopies(ImapConnection c, List<AuditedMessage> messages) throws ImapException {
        Stream<AuditLog.Line> copies = messages.stream().flatMap(m -> m.copies().stream());
        forEachDestination(c, copies, "its copy in %s (UID %d) was changed since the run", "; left alone",
                (destination, box, removing) -> {
                    if (!c.hasCapability("UIDPLUS")) {
                        removing.values().forEach(l -> progress.notUndone(l, "its copy in " + destination
                                + " cannot be removed: the server has no UIDPLUS (RFC 4315), and a plain EXPUNGE"
                                + " would remove other \\Deleted mail"));
                        return;
                    }
                    long[] uids = removing.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
                    Set<Long> refused = dryRun ? Set.of() : expungeExactly(box, uids);
                    removing.forEach((uid, l) -> {
                        if (refused.contains(uid)) {
                            progress.notUndone(l, "its copy in " + destination + " (UID " + uid + ") was changed by"
                                    + " another client during the undo; left alone");
                        } else {
                            progress.undone(l, "copy in " + destination + " (UID " + uid + ") removed");
                            if (!dryRun) {
                                forgetCopy(l);
                            }
                        }
                    });
                });
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
    Map<Long, Long> moveBack(ImapConnection c, String mailbox, List<AuditedMessage> messages) throws ImapException {
        Stream<AuditLog.Line> leaving = messages.stream().flatMap(m -> m.leaving().stream());
        Map<Long, Long> movedBack = new HashMap<>();
        forEachDestination(c, leaving, "in %s (UID %d) it was changed since the run", "; left there",
                (destination, box, moving) -> moveBack(c, mailbox, destination, box, moving, movedBack));
        return movedBack;
    }

    private void moveBack(ImapConnection c, String mailbox, String destination, SelectedMailbox box,
                          Map<Long, AuditLog.Line> moving, Map<Long, Long> movedBack) throws ImapException {
        if (dryRun) {
            moving.forEach((uid, l) -> progress.undone(l, "move back from " + destination + " (UID " + uid + ")"
                    + UndoProgress.flagsBack(l.flagsAfter(), l.flagsBefore())));
            return;
        }
        long[] uids = moving.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        CopiedUids back;
        if (c.hasCapability("MOVE")) {
            back = box.move(uids, mailbox).copied();
        } else if (c.hasCapability("UIDPLUS")) {
            // RFC 6851 section 3.3: COPY, then mark and expunge exactly the originals
            back = box.copy(uids, mailbox);
            expungeExactly(box, uids);
        } else {
            moving.values().forEach(l -> progress.notUndone(l, "cannot be moved back from " + destination + ": the server"
                    + " has neither MOVE (RFC 6851) nor UIDPLUS (RFC 4315)"));
            return;
        }
        Map<Long, Long> target = back.targetBySource();
        moving.forEach((uid, l) -> {
            Long now = target.get(uid);
            if (now == null) {
                progress.notUndone(l, "moved back from " + destination + ", but the server named no new UID (COPYUID),"
                        + " so its flags were left as the run gave them: " + FlagLists.text(l.flagsAfter()));
            } else {
                movedBack.put(l.uid(), now);
                progress.renamed(l, now);
                progress.restored(l);   // a new message: the run's mod-sequence no longer guards it
            }
        });
    }

    /** What is done in one destination with the messages still as the run left them, by their UID there. */
    private interface InDestination {
        void act(String destination, SelectedMailbox box, Map<Long, AuditLog.Line> unchanged) throws ImapException;
    }

    /**
     * Per destination of {@code lines} (in first-named order): opens it, finds each line's message and
     * hands {@code action} those that still carry the flags the run gave them (if any); the others are
     * reported as {@code changed} (with the destination and UID) and the flags, then {@code left}.
     */
    private void forEachDestination(ImapConnection c, Stream<AuditLog.Line> lines, String changed, String left,
                                    InDestination action) throws ImapException {
        Map<String, List<AuditLog.Line>> byDestination = new LinkedHashMap<>();
        lines.forEach(l -> byDestination.computeIfAbsent(l.destination(), d -> new ArrayList<>()).add(l));
        for (Map.Entry<String, List<AuditLog.Line>> e : byDestination.entrySet()) {
            String destination = e.getKey();
            SelectedMailbox box = open(c, destination, e.getValue());
            if (box == null) {
                continue;
            }
            Found found = find(box, e.getValue(), destination);
            Map<Long, AuditLog.Line> unchanged = new LinkedHashMap<>();
            for (AuditLog.Line l : found.lines) {
                long uid = found.uid.get(l);
                List<String> now = found.table.flags(found.table.indexOf(uid));
                if (!FlagLists.same(now, l.flagsAfter())) {
                    progress.notUndone(l, String.format(java.util.Locale.ROOT, changed, destination, uid)
                            + UndoProgress.changedFlags(now, l.flagsAfter()) + left);
                } else {
                    unchanged.put(uid, l);
                }
            }
            if (!unchanged.isEmpty()) {
                action.act(destination, box, unchanged);
            }
        }
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
            lines.forEach(l -> progress.notUndone(l, destination + " cannot be opened: " + e.getMessage()));
            return null;
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
                        && found.table.indexOf(progress.destinationUidNow(l)) >= 0)
                .mapToLong(progress::destinationUidNow).sorted().distinct().toArray();
        Map<Long, String> ids = candidates.length == 0 ? Map.of() : box.fetchMessageIds(candidates);
        Set<Long> claimed = new HashSet<>();
        for (AuditLog.Line l : lines) {
            long uid = 0;
            long recorded = progress.destinationUidNow(l);
            if (l.destinationUid() > 0 && l.destinationUidValidity() == box.uidValidity()
                    && found.table.indexOf(recorded) >= 0
                    && (l.messageId() == null || l.messageId().trim().equals(trim(ids.get(recorded))))) {
                uid = recorded;
            } else if (l.messageId() != null) {
                uid = byMessageId(box, l.messageId().trim(), claimed);
            }
            if (uid <= 0 || claimed.contains(uid) || found.table.indexOf(uid) < 0) {
                progress.notUndone(l, "not found in " + destination + (l.messageId() == null ? " (no UID recorded that"
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

    /**
     * Marks {@code uids} {@code \\Deleted} and expunges exactly those (UID EXPUNGE, RFC 4315); a
     * message whose STORE the server refused (changed meanwhile) is left.
     *
     * @return the refused UIDs
     */
    private static Set<Long> expungeExactly(SelectedMailbox box, long[] uids) throws ImapException {
        Set<Long> refused = new HashSet<>();
        LongStream.of(box.store(uids, StoreMode.ADD, List.of("\\Deleted"))).forEach(refused::add);
        long[] expunge = LongStream.of(uids).filter(u -> !refused.contains(u)).toArray();
        if (expunge.length > 0) {
            box.uidExpunge(expunge);
        }
        return refused;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
