/**
 * A mailbox run: observe the mailbox, plan with the rules, execute the batch, report; also
 * {@code explain}, {@code undo} and the audit log. The files a run keeps between runs are in
 * {@code engine.cache} (the mailbox cache) and {@code engine.journal} (copy journal, copy record).
 */
package org.mailtidy.engine;
