package org.mailtidy.imap;

/**
 * A batch of stores that ended part-way (the connection was lost): {@code unfinished} are the
 * UIDs of the batch the server did not acknowledge every store of; the rest were all stored.
 */
public final class StoresInterrupted extends ImapException {
    private final long[] unfinished;

    StoresInterrupted(ImapException cause, long[] unfinished) {
        super(cause.getMessage(), cause.serverResponse(), cause);
        this.unfinished = unfinished;
    }

    public long[] unfinished() {
        return unfinished;
    }
}
