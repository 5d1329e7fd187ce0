package org.mailtidy.imap;

/** What {@link MailboxSession#fetchChangesSinceAndTable} read: the changes up to a UID, and the table above it. */
public record ChangesAndTable(ChangesSince changes, MessageTable table) {
}
