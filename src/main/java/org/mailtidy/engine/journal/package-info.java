/**
 * The copy files in the state directory: the journal of copies in flight, so a copy cut off by a
 * broken connection is recovered and not made twice, and the copy record, so a copying rule copies
 * a message once. {@code engine.JournaledBatch}, {@code engine.CopyRecovery} and
 * {@code engine.RememberedCopies} use them within a run.
 */
package org.mailtidy.engine.journal;
