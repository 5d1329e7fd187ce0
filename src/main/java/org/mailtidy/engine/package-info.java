/** A mailbox run: observe the mailbox, plan with the rules, execute the batch, report. */
package org.mailtidy.engine;
