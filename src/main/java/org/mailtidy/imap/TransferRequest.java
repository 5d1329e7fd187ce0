package org.mailtidy.imap;

/** One {@code UID COPY} or {@code UID MOVE} of a flight. */
public record TransferRequest(long[] uids, String mailbox, boolean move) {
}
