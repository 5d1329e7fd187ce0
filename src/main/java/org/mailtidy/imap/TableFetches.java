package org.mailtidy.imap;

import java.util.List;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * The message table of a selected mailbox (UID, flags, INTERNALDATE, size) and its refreshes with
 * {@code CHANGEDSINCE} (RFC 7162 CONDSTORE) and {@code VANISHED} (QRESYNC).
 */
final class TableFetches {
    /** Rows a fetch of the whole mailbox is presized for; the server's EXISTS is not trusted further. */
    private static final int PRESIZE_LIMIT = 1 << 20;

    private final MailboxCommands commands;
    private final long highestModSeq;
    private final OpeningAnswers opening;

    TableFetches(MailboxCommands commands, long highestModSeq, OpeningAnswers opening) {
        this.commands = commands;
        this.highestModSeq = highestModSeq;
        this.opening = opening;
    }

    /** See {@link SelectedMailbox#fetchTable(long)}. */
    MessageTable fetchTable(long fromUid) throws ImapException {
        if (fromUid < 1) {
            throw new IllegalArgumentException("UIDs start at 1: " + fromUid);
        }
        // EXISTS is the server's word: presized up to a million rows, grown past that as rows arrive
        MessageTableBuilder table = new MessageTableBuilder(fromUid == 1 ? Math.max(16, Math.min(commands.exists(),
                PRESIZE_LIMIT)) : 16);
        if (commands.exists() == 0) {
            return table.build();
        }
        java.util.Optional<MessageTable> writtenAhead = opening.table(fromUid, commands);
        if (writtenAhead.isPresent()) {
            useTable(writtenAhead.get());
            return writtenAhead.get();
        }
        commands.run("UID FETCH", tableCommand(fromUid), null, rowsFrom(fromUid, table));
        MessageTable built = table.build();
        useTable(built);
        return built;
    }

    /** The {@code UID FETCH} of the table from {@code fromUid}, as {@link #fetchTable} sends it. */
    static String tableCommand(long fromUid) {
        return "UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)";
    }

    /** Checks a FETCH's UID and flags against the server limits; throws when they are not to be believed. */
    @FunctionalInterface
    interface RowCheck {
        void check(UID uid, FLAGS flags) throws ImapException;
    }

    /** Takes the FETCH rows from {@code fromUid} up into {@code table}. */
    private Wire.Handler rowsFrom(long fromUid, MessageTableBuilder table) {
        return rowsFrom(fromUid, table, (uid, flags) -> commands.checkUidAndFlags("UID FETCH", uid, flags));
    }

    /** The same, before a mailbox's commands exist (the table FETCH written ahead with its SELECT). */
    static Wire.Handler rowsFrom(long fromUid, MessageTableBuilder table, RowCheck check) {
        return r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                INTERNALDATE date = f.getItem(INTERNALDATE.class);
                RFC822SIZE size = f.getItem(RFC822SIZE.class);
                if (uid != null && uid.uid < fromUid) {
                    return true;  // n:* names the last message too when every UID is below n
                }
                check.check(uid, flags);
                if (uid != null && flags != null && date != null && size != null) {
                    table.add(uid.uid, FlagNames.of(flags, false), date.getDate().getTime(), size.size);
                    return true;
                }
            }
            return false;
        };
    }

    void useTable(MessageTable table) {
        if (commands.guards() != null) {
            commands.guards().track(table.uids());
        }
    }

    /** See {@link SelectedMailbox#fetchFlagsChangedSince}. */
    FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) throws ImapException {
        if (highestModSeq == 0) {
            throw new IllegalStateException(commands.name() + " was not selected with CONDSTORE");
        }
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        if (commands.exists() == 0 || upToUid < 1) {
            return updates.build();
        }
        commands.run("UID FETCH", "UID FETCH 1:" + upToUid + " (UID FLAGS) (CHANGEDSINCE " + modSeq + ")", null,
                r -> takeChangedFlags(r, upToUid, updates));
        return updates.build();
    }

    /** True when {@code r} is a FETCH of UID and FLAGS: taken into {@code updates} if its UID is in range. */
    private boolean takeChangedFlags(Response r, long upToUid, FlagUpdates.Builder updates) throws ImapException {
        if (r instanceof FetchResponse f) {
            UID uid = f.getItem(UID.class);
            FLAGS flags = f.getItem(FLAGS.class);
            commands.checkUidAndFlags("UID FETCH", uid, flags);
            if (uid != null && flags != null) {
                // 1:n names the last message too when every UID is above n (RFC 3501 section 6.4.8)
                if (uid.uid <= upToUid) {
                    updates.add(uid.uid, FlagNames.of(flags, false));
                }
                return true;
            }
        }
        return false;
    }

    /** See {@link SelectedMailbox#fetchChangesSince}. */
    ChangesSince fetchChangesSince(long upToUid, long modSeq) throws ImapException {
        requireQresync();
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        UidRanges vanished = new UidRanges();
        if (upToUid < 1) {
            return new ChangesSince(updates.build(), new long[0]);
        }
        commands.run("UID FETCH", changedSince(upToUid, modSeq), null, changes(upToUid, updates, vanished));
        return new ChangesSince(updates.build(), vanished.toArray());
    }

    private void requireQresync() {
        if (!commands.qresync()) {
            throw new IllegalStateException(commands.name() + " was not selected with QRESYNC enabled");
        }
    }

    private static String changedSince(long upToUid, long modSeq) {
        return "UID FETCH 1:" + upToUid + " (UID FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)";
    }

    private Wire.Handler changes(long upToUid, FlagUpdates.Builder updates, UidRanges vanished) {
        return r -> {
            if (takeChangedFlags(r, upToUid, updates)) {
                return true;
            }
            // Without (EARLIER) another client expunged these just now: gone all the same. Left
            // unconsumed so that Angus and the untagged tracking count them out of the mailbox as well.
            return Vanished.is(r) && Vanished.read(r, vanished);
        };
    }

    /** See {@link SelectedMailbox#fetchChangesSinceAndTable}. */
    ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) throws ImapException {
        requireQresync();
        long fromUid = upToUid + 1;
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        UidRanges vanished = new UidRanges();
        MessageTableBuilder table = new MessageTableBuilder(16);
        String changed = changedSince(upToUid, modSeq);
        String rest = "UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)";
        commands.connection().counter().increment("UID FETCH", 2);
        List<Response> answers = commands.pipelined("UID FETCH", List.of(
                new Wire.Pipelined(changed, null, changes(upToUid, updates, vanished), changed.length() + 24, false,
                        r -> Vanished.is(r) || fetchedUid(r) > 0 && !withDate(r)),
                new Wire.Pipelined(rest, null, rowsFrom(fromUid, table), rest.length() + 24, false,
                        TableFetches::withDate)));
        commands.requireAllOk("UID FETCH", answers);
        MessageTable built = table.build();
        return new ChangesAndTable(new ChangesSince(updates.build(), vanished.toArray()), built);
    }

    /** A FETCH with INTERNALDATE: only the table's FETCH asks for it. */
    private static boolean withDate(Response r) {
        return r instanceof FetchResponse f && f.getItem(INTERNALDATE.class) != null;
    }

    /** The UID of a FETCH response; 0 for anything else. */
    private static long fetchedUid(Response r) {
        if (r instanceof FetchResponse f) {
            UID uid = f.getItem(UID.class);
            return uid == null ? 0 : uid.uid;
        }
        return 0;
    }
}
