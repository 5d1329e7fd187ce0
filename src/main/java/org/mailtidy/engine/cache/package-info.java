/**
 * The mailbox cache on disk (CONDSTORE, RFC 7162): a mailbox's flag table, the answers of searches
 * that never change for a message, and regex outcomes, kept between runs so that a full run fetches
 * only what changed. {@code engine.IncrementalObservation} reads and writes it.
 */
package org.mailtidy.engine.cache;
