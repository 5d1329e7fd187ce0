/**
 * {@code mailtidy run}: the service around the scheduler and push. Loads and reloads the file
 * (SIGHUP, a changed file; an invalid one keeps the running configuration), stops cleanly on
 * SIGTERM, joins a cluster when the file has one, and serves the status page, {@code /status},
 * {@code /healthz} and {@code /metrics}.
 */
package org.mailtidy.daemon;
