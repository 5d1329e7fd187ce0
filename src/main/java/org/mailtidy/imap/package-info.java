/**
 * The IMAP wire layer: connects, selects and sends batched UID commands through Angus Mail,
 * speaking only in strings, longs, its own small types and the shared words of
 * {@code org.mailtidy.mail} (no rules or config types).
 */
package org.mailtidy.imap;
