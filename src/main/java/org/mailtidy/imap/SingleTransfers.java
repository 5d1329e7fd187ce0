package org.mailtidy.imap;

import java.util.function.Consumer;
import org.eclipse.angus.mail.iap.Response;

/** {@code UID COPY} and {@code UID MOVE} of a selected mailbox, one command at a time. */
final class SingleTransfers {
    private final MailboxCommands commands;
    private final MailboxSearches searches;

    SingleTransfers(MailboxCommands commands, MailboxSearches searches) {
        this.commands = commands;
        this.searches = searches;
    }

    /** See {@link SelectedMailbox#copy}. */
    CopiedUids copy(long[] uids, String mailbox) throws ImapException {
        CopiedUids[] copied = {CopiedUids.NONE};
        transfer("UID COPY", uids, mailbox, tagged -> copied[0] = copied[0].plus(CopyUidCode.of(tagged)));
        return copied[0];
    }

    /** See {@link SelectedMailbox#move}. */
    Moved move(long[] uids, String mailbox) throws ImapException {
        ImapConnection connection = commands.connection();
        if (!connection.hasCapability("MOVE")) {
            throw new ImapException.MissingCapability("MOVE", connection.description()
                    + " does not support MOVE (RFC 6851)");
        }
        UidRanges gone = new UidRanges();
        CopiedUids[] copied = {CopiedUids.NONE};
        transfer("UID MOVE", uids, mailbox, (piece, run) -> {
            ExpungeWatch watch = new ExpungeWatch(piece, searches);
            Response tagged = run.apply(r -> {
                if (r.isUnTagged() && r.isOK()) {
                    copied[0] = copied[0].plus(CopyUidCode.of(r));
                }
                return watch.take(r);
            });
            copied[0] = copied[0].plus(CopyUidCode.of(tagged));
            commands.ownExpungeDone(tagged);
            watch.addTo(gone);
        });
        return new Moved(gone.toArray(), copied[0]);
    }

    private void transfer(String verb, long[] uids, String mailbox, Consumer<Response> answered)
            throws ImapException {
        transfer(verb, uids, mailbox, (piece, run) -> answered.accept(run.apply(r -> false)));
    }

    /** Runs the command for one piece with the given handler; returns the tagged response. */
    private interface PieceRun {
        Response apply(Wire.Handler handler) throws ImapException;
    }

    private interface TransferPiece {
        void send(String piece, PieceRun run) throws ImapException;
    }

    private void transfer(String verb, long[] uids, String mailbox, TransferPiece each) throws ImapException {
        commands.requireWritable(verb);
        String wire = MailboxNames.encode(commands.connection().serverName(mailbox));
        MailboxCommands.forEachPiece(uids, verb + " ", MailboxCommands.mailboxRoom(wire), piece -> each.send(piece,
                handler -> commands.runWith(verb, p -> verb + " " + piece,
                        p -> ImapConnection.mailboxArgument(p, wire), handler)));
    }
}
