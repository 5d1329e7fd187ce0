/**
 * The IMAP wire layer: connects, selects and sends batched UID commands through Angus Mail,
 * speaking only in strings, longs and its own small types (no rules or config types).
 */
package org.mailtidy.imap;
