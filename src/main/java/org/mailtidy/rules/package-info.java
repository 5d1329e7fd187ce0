/**
 * The pure core: criteria, flag changes and the planner that turns rules and a mailbox snapshot
 * into the operations of one mailbox run; no sockets, YAML or mail library here (only the shared
 * words of {@code org.mailtidy.mail}).
 */
package org.mailtidy.rules;
