/**
 * OAuth2 for IMAP logins: refreshes access tokens at the token endpoint (RFC 6749 section 6),
 * keeps them until shortly before they expire, writes rotated refresh tokens back, and runs the
 * login flows of {@code mailtidy oauth2 login}: device authorization (RFC 8628) and the loopback
 * redirect with PKCE (RFC 8252, RFC 7636). Depends on the configuration types, {@code files} and
 * {@code json}; no token or secret ever reaches a log line, message or {@code toString}.
 */
package org.mailtidy.oauth2;
