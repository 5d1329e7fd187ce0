/**
 * Scheduled runs: the plan of Quartz jobs and triggers per account and mailbox, jitter, the firings
 * that run a mailbox (one claim per firing), the per-account run lanes, and what the daemon and push
 * share with them: the loaded configuration, the account connections with back-off, run metrics.
 */
package org.mailtidy.schedule;
