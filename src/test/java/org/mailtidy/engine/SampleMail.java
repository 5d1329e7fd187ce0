package org.mailtidy.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailtidy.testsupport.TestMessage;

/**
 * Deterministic sample mail for end-to-end tests: message {@code i} belongs to category
 * {@code i % 12}, so any 100 consecutive messages contain every category, and its dates, flags and
 * size follow from {@code i}. Each message exists twice: as raw text for the server and as the
 * decoded fields the in-memory reference evaluates.
 */
final class SampleMail {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final long THREE_YEARS = Duration.ofDays(3 * 365).toSeconds();

    /** One message: what the server gets and what the reference sees. */
    record Sample(TestMessage raw, Map<String, List<String>> decodedHeaders, String body, LocalDate sentDay) {
        String messageId() {
            return raw.messageId();
        }
    }

    private SampleMail() {
    }

    static List<Sample> generate(int n, String idPrefix) {
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sample(i, idPrefix));
        }
        return out;
    }

    private static Sample sample(int i, String idPrefix) {
        int cat = i % 12;
        // A multiplicative hash spreads even the first hundred messages over the three years.
        Instant received = NOW.minusSeconds(60 + Math.floorMod(i * 2654435761L, THREE_YEARS));
        Instant sent = received.minus(Duration.ofDays(i % 5)).minusSeconds(i % 3600);
        String[] from = from(cat);
        String[] subject = subject(cat, i);
        String to = i % 3 == 0 ? "Team <team@example.org>" : "Bob <bob@example.org>";
        String body = body(cat, i);
        String messageId = "<" + idPrefix + "-" + i + "@sample.mailtidy>";

        Map<String, List<String>> decoded = new LinkedHashMap<>();
        List<String> extra = new ArrayList<>();
        decoded.put("From", List.of(from[1]));
        decoded.put("To", List.of(to));
        decoded.put("Subject", List.of(subject[1]));
        decoded.put("Message-ID", List.of(messageId));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(sent.atOffset(ZoneOffset.UTC));
        extra.add("Date: " + date);
        decoded.put("Date", List.of(date));
        if (i % 4 == 1) {
            extra.add("Cc: Carol <carol@example.org>");
            decoded.put("Cc", List.of("Carol <carol@example.org>"));
        }
        if (i % 13 == 0) {
            extra.add("Bcc: audit@example.org");
            decoded.put("Bcc", List.of("audit@example.org"));
        }
        if (cat == 4) {
            extra.add("List-Id: Developers <dev.lists.example.org>");
            decoded.put("List-Id", List.of("Developers <dev.lists.example.org>"));
        }
        if (cat == 5 || cat == 9) {
            String score = cat == 5 ? "7." + (i % 10) : "1." + (i % 10);
            extra.add("X-Spam-Score: " + score);
            decoded.put("X-Spam-Score", List.of(score));
        }
        TestMessage raw = new TestMessage(from[0], to, subject[0], messageId, received, flags(cat, i), extra, body);
        return new Sample(raw, decoded, body, sent.atOffset(ZoneOffset.UTC).toLocalDate());
    }

    /** Raw header value and its decoded form. */
    private static String[] from(int cat) {
        return switch (cat) {
            case 0, 6 -> new String[] {"Weekly News <newsletter@news.example.com>",
                "Weekly News <newsletter@news.example.com>"};
            case 1, 2 -> new String[] {"Billing <billing@shop.example.com>", "Billing <billing@shop.example.com>"};
            case 3, 8 -> new String[] {"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>",
                "Jürgen Müller <juergen@example.de>"};
            case 4 -> new String[] {"Dev Person <someone@dev.example.org>", "Dev Person <someone@dev.example.org>"};
            case 5 -> new String[] {"Prize Office <winner@spam.example.net>", "Prize Office <winner@spam.example.net>"};
            default -> new String[] {"Alice <alice@example.org>", "Alice <alice@example.org>"};
        };
    }

    private static String[] subject(int cat, int i) {
        return switch (cat) {
            case 0, 6 -> plain("Weekly digest #" + i);
            case 1 -> plain((i % 2 == 0 ? "Your invoice " : "Invoice ") + "INV-" + i);
            case 2 -> plain("Receipt for order " + i);
            case 3 -> new String[] {encodedWord("Grüße aus München " + i), "Grüße aus München " + i};
            case 4 -> plain("[dev] release " + (i % 9) + " planning");
            case 5 -> plain("You have won (" + i + ")");
            case 7 -> plain("Meeting notes " + i);
            case 8 -> new String[] {encodedWord("Familienfoto " + i + " – Müller"), "Familienfoto " + i + " – Müller"};
            case 10 -> plain("Quarterly report " + i);
            default -> plain("Note " + i + " with \"quotes\" and a \\ backslash");
        };
    }

    private static String[] plain(String s) {
        return new String[] {s, s};
    }

    private static String encodedWord(String s) {
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static String body(int cat, int i) {
        StringBuilder b = new StringBuilder("Hello,\r\nsample message number ").append(i).append(".\r\n");
        if (cat == 10 || i % 11 == 0) {
            b.append("The quarterly numbers are attached.\r\n");
        }
        if (i % 17 == 0) {
            b.append("This is confidential.\r\n");
        }
        if (i % 23 == 0) {
            b.append("padding line of a large message\r\n".repeat(800));
        }
        return b.toString();
    }

    private static Set<String> flags(int cat, int i) {
        Set<String> f = new LinkedHashSet<>();
        if ((i * 31) % 7 < 4) {
            f.add("\\Seen");
        }
        if (i % 5 == 0) {
            f.add("\\Flagged");
        }
        if (i % 9 == 0) {
            f.add("\\Answered");
        }
        if (i % 53 == 0) {
            f.add("\\Draft");
        }
        if (i % 97 == 0) {
            f.add("\\Deleted"); // as if another client had marked it
        }
        if (i % 6 == 0) {
            f.add("$Todo");
        }
        if (i % 19 == 0) {
            f.add("$Tmp");
        }
        if (cat == 1 && (i / 12) % 2 == 0) {
            f.add("Paid");
        }
        return f;
    }
}
