/**
 * The daemon's HTTP side ({@code http.listen}): Prometheus metrics, health and status, served by
 * the JDK's own HTTP server; knows nothing of IMAP or rules.
 */
package org.mailtidy.http;
