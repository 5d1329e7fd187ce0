/**
 * Real IMAP servers for tests: GreenMail in-process and a private Dovecot started once per test JVM.
 */
package org.mailtidy.testsupport;
