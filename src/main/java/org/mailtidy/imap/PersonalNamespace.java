package org.mailtidy.imap;

/**
 * The account's personal namespace (RFC 2342): the prefix every mailbox of the user's own lives
 * under ({@code "INBOX."} on Courier, {@code ""} on Dovecot and Cyrus with altnamespace) and its
 * hierarchy separator. Names in the rule file are relative to it.
 */
record PersonalNamespace(String prefix, char separator) {

    /** What a server without NAMESPACE is taken to have: no prefix. */
    static PersonalNamespace none(char separator) {
        return new PersonalNamespace("", separator);
    }

    /** The prefix as mailtidy writes names: {@code /} for the separator ({@code INBOX/}). */
    String prefixWithSlashes() {
        return separator == '/' ? prefix : prefix.replace(separator, '/');
    }
}
