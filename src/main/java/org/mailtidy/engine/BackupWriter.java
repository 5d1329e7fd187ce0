package org.mailtidy.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.mailtidy.files.DurableFiles;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;

/**
 * Saves messages as Maildir files ({@code <backup_dir>/<account>/<mailbox>/cur}) before they are
 * deleted. A message that cannot be saved stops the run before anything is sent, so a failed save
 * deletes nothing. Each file is forced to disk before its rename into {@code cur}, and {@code cur}
 * is forced after the last rename, before {@link #save} returns: the expunge that follows never
 * outruns the backup on a power failure. Files are 0600 and new directories 0700.
 */
final class BackupWriter {
    private final Optional<Path> root;
    private final String account;
    private final String mailbox;
    private final DurableFiles files;

    BackupWriter(Optional<Path> root, String account, String mailbox) {
        this(root, account, mailbox, DurableFiles.SYSTEM);
    }

    BackupWriter(Optional<Path> root, String account, String mailbox, DurableFiles files) {
        this.root = root;
        this.account = account;
        this.mailbox = mailbox;
        this.files = files;
    }

    /** Where one message was saved, for its audit line: the file and the message's INTERNALDATE. */
    record Saved(Path file, java.time.Instant internalDate) {
    }

    /** @return per UID, where the message was saved (empty without a backup_dir) */
    java.util.Map<Long, Saved> save(MailboxSession box, long[] uids) throws ImapException, RunFailure {
        return save(box, uids, Progress.NONE);
    }

    /** As {@link #save(MailboxSession, long[])}, telling {@code progress} how many are saved. */
    java.util.Map<Long, Saved> save(MailboxSession box, long[] uids, Progress progress)
            throws ImapException, RunFailure {
        java.util.Map<Long, Saved> saved = new java.util.HashMap<>();
        if (root.isEmpty() || uids.length == 0) {
            return saved;
        }
        Path dir = root.get().resolve(safeName(account)).resolve(safeName(mailbox));
        try {
            files.directories(dir.resolve("tmp"));
            files.directories(dir.resolve("new"));
            files.directories(dir.resolve("cur"));
            long uidValidity = box.uidValidity();
            box.fetchRaw(uids, m -> {
                String base = m.internalDate() / 1000 + ".V" + uidValidity + "U" + m.uid() + ".mailtidy";
                Path tmp = dir.resolve("tmp").resolve(base);
                files.write(tmp, m.content());
                Files.setLastModifiedTime(tmp, FileTime.fromMillis(m.internalDate()));
                Path file = dir.resolve("cur").resolve(base + ":2," + maildirFlags(m.flags()));
                files.move(tmp, file);
                saved.put(m.uid(), new Saved(file.toAbsolutePath(), java.time.Instant.ofEpochMilli(m.internalDate())));
                progress.step(saved.size(), uids.length);
            });
            files.forceDirectory(dir.resolve("cur"));
        } catch (IOException e) {
            throw new RunFailure("could not save messages to backup_dir " + dir + " (" + e.getMessage()
                    + "); nothing was changed", e);
        }
        return saved;
    }

    /** Maildir info flags, in ASCII order as the Maildir specification requires. */
    static String maildirFlags(List<String> flags) {
        StringBuilder sb = new StringBuilder();
        if (flags.stream().anyMatch("\\Draft"::equalsIgnoreCase)) {
            sb.append('D');
        }
        if (flags.stream().anyMatch("\\Flagged"::equalsIgnoreCase)) {
            sb.append('F');
        }
        if (flags.stream().anyMatch("\\Answered"::equalsIgnoreCase)) {
            sb.append('R');
        }
        if (flags.stream().anyMatch("\\Seen"::equalsIgnoreCase)) {
            sb.append('S');
        }
        return sb.toString();
    }

    /** A mailbox name as one path segment: hierarchy kept readable, nothing escapes the folder. */
    static String safeName(String name) {
        String s = name.replace('/', '.').replaceAll("[\\x00-\\x1f\\\\:]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }
}
