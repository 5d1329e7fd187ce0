/**
 * {@code mailtidy run}: Quartz jobs per account and mailbox, connections kept per account with
 * back-off, reload on SIGHUP or a changed file, clean stop on SIGTERM, health and metrics.
 */
package org.mailtidy.schedule;
