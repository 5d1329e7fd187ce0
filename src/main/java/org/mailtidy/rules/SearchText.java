package org.mailtidy.rules;

import java.text.Normalizer;

/**
 * IMAP SEARCH's string comparison: a substring match under the {@code i;unicode-casemap} collation
 * (RFC 5051, which RFC 9051 section 6.4.4 makes the default): each character titlecased, then NFKD,
 * so case and compatibility forms do not matter. Dovecot compares this way.
 */
final class SearchText {

    private SearchText() {
    }

    /** True when {@code needle} occurs in {@code haystack} under the collation; an empty needle always does. */
    static boolean contains(String haystack, String needle) {
        return fold(haystack).contains(fold(needle));
    }

    /** The collation key of a text: titlecase per character, then NFKD. */
    static String fold(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 0x80;
        }
        if (ascii) {
            // The fast path of nearly every header: ASCII titlecase is uppercase, NFKD changes nothing.
            return text.toUpperCase(java.util.Locale.ROOT);
        }
        StringBuilder titled = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> titled.appendCodePoint(Character.toTitleCase(cp)));
        return Normalizer.normalize(titled, Normalizer.Form.NFKD);
    }
}
