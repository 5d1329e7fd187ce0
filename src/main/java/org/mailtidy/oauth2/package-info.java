/**
 * OAuth2 for IMAP logins: refreshes access tokens at the token endpoint (RFC 6749 section 6),
 * keeps them until shortly before they expire, writes rotated refresh tokens back, and runs the
 * device-authorization flow (RFC 8628) for {@code mailtidy oauth2 login}. Depends only on the
 * configuration types; no token or secret ever reaches a log line, message or {@code toString}.
 */
package org.mailtidy.oauth2;
