package org.mailtidy.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.StoreMode;

/**
 * The part of {@code mailtidy undo} in the audited mailbox itself: flag changes put back (under the
 * run's recorded {@code UNCHANGEDSINCE} where the server has CONDSTORE), moved-back messages given
 * their flags, deleted messages appended again from their backup files.
 */
final class UndoInMailbox {
    private final UndoProgress progress;
    private final boolean dryRun;

    UndoInMailbox(UndoProgress progress, boolean dryRun) {
        this.progress = progress;
        this.dryRun = dryRun;
    }

    /** In the audited mailbox: moved-back messages' flags, flag changes put back, deleted messages appended. */
    void restore(ImapConnection c, AuditLog.Line head, List<AuditedMessage> messages,
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
            if (sameUids && table.indexOf(progress.uidNow(m.first())) >= 0) {
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
                progress.notUndone(l, "the mailbox's UIDVALIDITY changed since the run, so its UIDs name other messages");
                continue;
            }
            int i = table.indexOf(progress.uidNow(l));
            if (i < 0) {
                progress.notUndone(l, "no longer in " + l.mailbox() + " (moved or expunged since the run)");
                continue;
            }
            List<String> expected = m.deleted().isPresent() ? FlagLists.withDeleted(m.left()) : m.left();
            List<String> now = table.flags(i);
            // a delete sends no flag change, so a message left unexpunged may still have its original flags
            boolean asLeft = FlagLists.same(now, expected)
                    || m.deleted().isPresent() && FlagLists.same(now, FlagLists.withDeleted(m.original()));
            if (!asLeft && FlagLists.same(now, m.original())) {
                progress.undone(l, "flags already " + FlagLists.text(m.original()) + " as before the run; nothing to do");
                continue;
            }
            if (!asLeft) {
                progress.notUndone(l, UndoProgress.CHANGED + UndoProgress.changedFlags(now, expected) + "; left alone");
                continue;
            }
            boolean guarded = box.conditionalStores() && l.modSeq() > 0 && !progress.wasRestored(l);
            long guard = guarded ? m.lines().get(m.lines().size() - 1).modSeq() : 0;
            groups.computeIfAbsent(new Guarded(guard, FlagLists.normal(m.original())), k -> new ArrayList<>()).add(m);
        }
        for (Map.Entry<Guarded, List<AuditedMessage>> e : groups.entrySet()) {
            List<AuditedMessage> group = e.getValue();
            AuditedMessage any = group.get(0);
            long guard = e.getKey().modSeq();
            long[] uids = group.stream().mapToLong(m -> progress.uidNow(m.first())).sorted().toArray();
            Set<Long> refused = new HashSet<>();
            if (!dryRun) {
                long[] r = guard > 0 ? box.storeUnchangedSince(uids, guard, StoreMode.REPLACE, any.original())
                        : box.store(uids, StoreMode.REPLACE, any.original());
                LongStream.of(r).forEach(refused::add);
            }
            for (AuditedMessage m : group) {
                AuditLog.Line l = m.first();
                if (refused.contains(progress.uidNow(l))) {
                    progress.notUndone(l, UndoProgress.CHANGED + " (its mod-sequence is above the " + guard
                            + " the run left, RFC 7162); left alone");
                } else {
                    progress.restored(l);
                    progress.undone(l, "flags " + FlagLists.text(m.left()) + " back to " + FlagLists.text(m.original()));
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
            progress.undone(leaving, "moved back from " + leaving.destination() + " (now UID " + now + ")"
                    + UndoProgress.flagsBack(leaving.flagsAfter(), m.original()));
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
                progress.notUndone(d, "deleted without a backup (safety.backup_dir was not set), so it cannot be put back");
                continue;
            }
            Path file = Path.of(d.backup());
            if (!Files.isReadable(file)) {
                progress.notUndone(d, "its backup file " + file + " is gone or unreadable");
                continue;
            }
            if (d.messageId() != null && present.contains(d.messageId().trim())) {
                progress.notUndone(d, "a message with its Message-ID is already in " + mailbox + "; not appended twice");
                continue;
            }
            Instant date;
            byte[] content;
            try {
                date = d.internalDate() != null ? d.internalDate() : Files.getLastModifiedTime(file).toInstant();
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                progress.notUndone(d, "its backup file " + file + " cannot be read: " + e.getMessage());
                continue;
            }
            if (dryRun) {
                progress.undone(d, "append from " + file + " with flags " + FlagLists.text(m.original()));
                continue;
            }
            long uid = c.append(mailbox, m.original(), date, content);
            if (uid > 0) {
                progress.renamed(d, uid);
                progress.restored(d);
            }
            progress.undone(d, "appended from its backup" + (uid > 0 ? " (now UID " + uid + ")" : "") + " with flags "
                    + FlagLists.text(m.original()));
        }
    }

    /** Messages whose flags go back to the same set under the same UNCHANGEDSINCE (0: the session's guard). */
    private record Guarded(long modSeq, Set<String> flags) {
    }
}
