/**
 * The words every stage shares: {@link UidSet}, {@link Uid}, {@link StoreMode}, {@link SearchArg}
 * and {@link MailboxRef}; and the columns of a mailbox, {@link FlagColumns} and
 * {@link MessageColumns}, that the IMAP layer's message table and the planner's snapshot both are.
 * Immutable values with no dependency on anything of mailtidy, so that {@code rules} and
 * {@code imap} can both use them without depending on each other
 * (docs/adr/0012-shared-mail-vocabulary.md).
 */
package org.mailtidy.mail;
