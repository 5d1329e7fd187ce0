package org.mailtidy.imap;

import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses a header block as returned by {@code BODY[HEADER.FIELDS (...)]} into field values as a
 * regex should see them: unfolded (RFC 5322 section 2.2.3, CRLF + whitespace become one space) and
 * with RFC 2047 encoded words decoded.
 */
final class HeaderFields {
    private HeaderFields() {
    }

    /**
     * Values per requested field, keys case-insensitive as requested; an absent field maps to an empty
     * list, a repeated one to all its values in order.
     */
    static Map<String, List<String>> parse(byte[] block, int offset, int length, Collection<String> requested) {
        Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String field : requested) {
            values.put(field, new ArrayList<>(1));
        }
        for (String line : unfold(decodeBytes(block, offset, length))) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            List<String> list = values.get(line.substring(0, colon).trim());
            if (list != null) {
                list.add(decodeWords(line.substring(colon + 1).strip()));
            }
        }
        values.replaceAll((k, v) -> List.copyOf(v));
        return values;
    }

    /** Raw 8-bit headers (RFC 6532) are usually UTF-8; anything else is read as ISO-8859-1. */
    static String decodeBytes(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** Logical header lines: a line starting with SP or HTAB continues the previous one. */
    static List<String> unfold(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        for (String physical : text.split("\r?\n", -1)) {
            if (!physical.isEmpty() && (physical.charAt(0) == ' ' || physical.charAt(0) == '\t')) {
                if (current != null) {
                    trimTrailing(current).append(' ').append(physical.strip());
                }
                continue;
            }
            if (current != null) {
                lines.add(current.toString());
            }
            current = physical.isEmpty() ? null : new StringBuilder(physical);
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return lines;
    }

    /** Broken or unknown encodings leave the text as it was written. */
    static String decodeWords(String value) {
        if (!value.contains("=?")) {
            return value;
        }
        try {
            return MimeUtility.decodeText(value);
        } catch (Exception | Error broken) {
            return value;
        }
    }

    private static StringBuilder trimTrailing(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && (sb.charAt(end - 1) == ' ' || sb.charAt(end - 1) == '\t')) {
            end--;
        }
        sb.setLength(end);
        return sb;
    }
}
