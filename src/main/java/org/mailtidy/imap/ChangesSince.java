package org.mailtidy.imap;

/**
 * What changed in a mailbox since a mod-sequence, as QRESYNC answers it (RFC 7162 section 3.2.6):
 * the current flags of the messages changed since, and the UIDs expunged since as ascending
 * (first, last) pairs. The ranges may name UIDs the client never saw (a server that no longer knows
 * when an old message was expunged names it anyway); those are to be ignored.
 */
public record ChangesSince(FlagUpdates flags, long[] vanished) {
}
