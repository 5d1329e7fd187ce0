/**
 * The daemon's HTTP side ({@code http.listen}): the status page, Prometheus metrics, health and
 * status, served by a small non-blocking server of its own (docs/adr); knows nothing of IMAP or rules.
 */
package org.mailtidy.http;
