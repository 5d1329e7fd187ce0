/**
 * Push ({@code on: arrival}): per account, connections that watch the arrival mailboxes for new mail
 * (NOTIFY, else IDLE, else polling), and the runs of the arrival rules on the new messages only.
 */
package org.mailtidy.push;
