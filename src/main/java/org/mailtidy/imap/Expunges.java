package org.mailtidy.imap;

/** {@code UID EXPUNGE} (RFC 4315) and the mailbox-wide {@code EXPUNGE} of a selected mailbox. */
final class Expunges {
    private final MailboxCommands commands;
    private final MailboxSearches searches;

    Expunges(MailboxCommands commands, MailboxSearches searches) {
        this.commands = commands;
        this.searches = searches;
    }

    /** See {@link SelectedMailbox#uidExpunge}. */
    long[] uidExpunge(long[] uids) throws ImapException {
        ImapConnection connection = commands.connection();
        if (!connection.hasCapability("UIDPLUS")) {
            throw new ImapException.MissingCapability("UIDPLUS", connection.description()
                    + " does not support UIDPLUS (RFC 4315), so UID EXPUNGE is impossible; nothing was expunged");
        }
        commands.requireWritable("UID EXPUNGE");
        UidRanges expunged = new UidRanges();
        MailboxCommands.forEachPiece(uids, "UID EXPUNGE ", "", piece -> {
            ExpungeWatch watch = new ExpungeWatch(piece, searches);
            commands.ownExpungeDone(commands.runWith("UID EXPUNGE", p -> "UID EXPUNGE " + piece, p -> null,
                    watch::take));
            watch.addTo(expunged);
        });
        return expunged.toArray();
    }

    /** See {@link SelectedMailbox#expungeAll}. */
    void expungeAll() throws ImapException {
        commands.requireWritable("EXPUNGE");
        commands.ownExpungeDone(commands.runWith("EXPUNGE", p -> "EXPUNGE", p -> null, r -> false));
    }
}
