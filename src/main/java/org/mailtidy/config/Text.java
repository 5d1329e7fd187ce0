package org.mailtidy.config;

import java.util.List;

/** Small helpers for writing messages. */
final class Text {

    private static final int MAX_QUOTED = 60;

    private Text() {
    }

    /**
     * The value in double quotes, control characters escaped so that a message stays on one line,
     * and shortened when long. Backslashes are left alone: {@code "\Seen"} reads better than
     * {@code "\\Seen"}.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int shown = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (shown < s.length()) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    /** {@code a, b or c}. */
    static String oneOf(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
