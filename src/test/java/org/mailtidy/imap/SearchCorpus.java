package org.mailtidy.imap;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.mailtidy.testsupport.TestMessage;

/**
 * A generated mailbox for holding {@link org.mailtidy.rules.LocalSearch} to a server's SEARCH:
 * non-ASCII display names and subjects (raw UTF-8 and RFC 2047 Q and B words, UTF-8 and Latin-1,
 * encoded words split in two, compatibility and titlecase characters), folded headers, comments,
 * Date: headers in many zones around midnight (some obsolete or broken), INTERNALDATEs around
 * midnight in UTC and in Europe/Berlin, bodies in 8bit, base64 and quoted-printable with
 * sizes across the thresholds, flags and keywords. Deterministic for a seed and a day.
 */
final class SearchCorpus {

    static final String[] FROM = {
        "Alice Example <alice@example.org>",
        q("Jürgen Müller", StandardCharsets.UTF_8) + " <juergen@example.de>",
        q("François", StandardCharsets.ISO_8859_1) + " <francois@example.fr>",
        b("山田太郎") + " <yamada@example.jp>",
        "\"Doe, John\" <john.doe@example.com>",
        "newsletter@shop.example",
        "Weekly <newsletter@shop.example>",
        "Ǆemal Ǆ <dz@example.ba>",
        "Straße GmbH <info@strasse.example>",
        q("Straße", StandardCharsets.UTF_8) + " AG <s@strasse.example>",
        "bob@example.org (Bob Comment)",
        q("Grü", StandardCharsets.UTF_8) + " " + q("ße", StandardCharsets.UTF_8) + " <g@gruesse.example>",
        "Announce\r\n List <announce@lists.example>",
        b("Ｆｕｌｌｗｉｄｔｈ ﬁle") + " <fw@example.net>",
    };

    static final String[] SUBJECT_TEXT = {
        "Invoice 2026-11", "your weekly deals", "Grüße aus München", "Ünïcödé test", "日本語のメール",
        "ﬁle report", "Ｆｕｌｌｗｉｄｔｈ letters", "Straße", "STRASSE", "résumé", "re\u0301sume\u0301 decomposed",
        "ǅemal writes", "Re: meeting", "unsubscribe now",
    };

    private static final String[] ADDRESSES = {
        "alice@example.org", "bob@example.org", "carol@example.net", "Dave <dave@example.com>",
        q("Zoë", StandardCharsets.UTF_8) + " <zoe@example.org>", "\"Smith, Eve\" <eve@example.com>",
    };

    private static final String[] BODY_WORDS = {
        "hello", "unsubscribe", "Grüße", "invoice", "payment", "日本語", "straße", "ﬁle", "meeting", "résumé",
        "quoted", "printable", "lorem", "ipsum",
    };

    private static final String[] ZONES = {"+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+1400", "-1200"};
    private static final String[] KEYWORDS = {"$Junk", "Invoice", "$label1"};
    private static final String[] SYSTEM_FLAGS = {"\\Seen", "\\Answered", "\\Flagged", "\\Draft", "\\Deleted"};
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter NO_DAY_NAME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TWO_DIGIT_YEAR = DateTimeFormatter.ofPattern("d MMM yy HH:mm", Locale.ROOT);

    private SearchCorpus() {
    }

    /** {@code n} messages whose INTERNALDATEs lie in the 40 days before {@code now}. */
    static List<TestMessage> messages(int n, long seed, Instant now) {
        Random r = new Random(seed);
        LocalDate firstDay = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(40);
        List<TestMessage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant internal = internalDate(r, firstDay, now);
            List<String> headers = new ArrayList<>();
            headers.add("Date: " + dateHeader(r, internal));
            if (r.nextInt(4) == 0) {
                headers.add("Cc: " + addressList(r));
            }
            if (r.nextInt(10) == 0) {
                headers.add("Bcc: " + addressList(r));
            }
            if (r.nextInt(3) == 0) {
                headers.add("List-Id: " + (r.nextBoolean() ? "Announce <announce.lists.example>" : "dev <dev.lists.example>"));
            }
            int spam = r.nextInt(4);
            if (spam > 0) {
                headers.add("X-Spam-Flag: " + (spam == 1 ? "YES" : spam == 2 ? "yes" : "NO"));
            }
            if (r.nextInt(5) == 0) {
                headers.add("X-Mailer: " + q("Grüße-Mail 1.0", StandardCharsets.UTF_8));
            }
            String[] body = body(r);
            if (!body[0].isEmpty()) {
                headers.add("Content-Transfer-Encoding: " + body[0]);
            }
            Set<String> flags = new LinkedHashSet<>();
            for (String f : SYSTEM_FLAGS) {
                if (r.nextInt(3) == 0) {
                    flags.add(f);
                }
            }
            for (String k : KEYWORDS) {
                if (r.nextInt(4) == 0) {
                    flags.add(k);
                }
            }
            out.add(new TestMessage(FROM[r.nextInt(FROM.length)], addressList(r), subject(r),
                    "<corpus-" + seed + "-" + i + "@test.mailtidy>", internal, flags, headers, body[1]));
        }
        return out;
    }

    /** Raw messages without a Date: header (the rest of their header and body as in the corpus). */
    static List<byte[]> withoutDate(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String text = "From: " + FROM[i % FROM.length] + "\r\nTo: bob@example.org\r\nSubject: "
                    + SUBJECT_TEXT[i % SUBJECT_TEXT.length] + "\r\nMessage-ID: <undated-" + i + "@test.mailtidy>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nNo date here, "
                    + BODY_WORDS[i % BODY_WORDS.length] + ".\r\n";
            out.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A third near midnight UTC, a third near midnight in Berlin, the rest anywhere in the day. */
    private static Instant internalDate(Random r, LocalDate firstDay, Instant now) {
        LocalDate day = firstDay.plusDays(r.nextInt(40));
        Instant base = switch (r.nextInt(3)) {
            case 0 -> day.atStartOfDay(ZoneOffset.UTC).toInstant();
            case 1 -> day.atStartOfDay(ZoneId.of("Europe/Berlin")).toInstant();
            default -> day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(r.nextInt(86_400));
        };
        Instant t = base.plusSeconds(r.nextInt(2 * 5400) - 5400);
        return t.isAfter(now) ? now.minusSeconds(3600 + r.nextInt(86_400)) : t;
    }

    private static String dateHeader(Random r, Instant internal) {
        Instant sent = internal.minusSeconds(r.nextInt(3 * 86_400)).plusSeconds(r.nextInt(7200));
        String zone = ZONES[r.nextInt(ZONES.length)];
        ZonedDateTime at = sent.atZone(ZoneOffset.of(zone.substring(0, 3) + ":" + zone.substring(3)));
        return switch (r.nextInt(20)) {
            case 0 -> NO_DAY_NAME.format(at) + " " + zone;
            case 1 -> TWO_DIGIT_YEAR.format(at) + " " + zone;
            case 2 -> RFC5322.format(sent.atZone(ZoneOffset.UTC)) + " GMT";
            case 3 -> RFC5322.format(sent.atZone(ZoneOffset.ofHours(-5))) + " EST";
            case 4 -> RFC5322.format(at) + "\r\n " + zone + " (folded)";
            case 5 -> "yesterday, around noon";
            default -> RFC5322.format(at) + " " + zone;
        };
    }

    private static String addressList(Random r) {
        int n = 1 + r.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(r.nextBoolean() ? ", " : ",\r\n\t");
            }
            sb.append(ADDRESSES[r.nextInt(ADDRESSES.length)]);
        }
        return sb.toString();
    }

    private static String subject(Random r) {
        String text = SUBJECT_TEXT[r.nextInt(SUBJECT_TEXT.length)];
        String tail = r.nextInt(3) == 0 ? " #" + r.nextInt(1000) : "";
        return switch (r.nextInt(6)) {
            case 0 -> q(text, StandardCharsets.UTF_8) + tail;
            case 1 -> b(text) + tail;
            case 2 -> text.length() > 6 ? q(text.substring(0, 4), StandardCharsets.UTF_8) + " "
                    + q(text.substring(4), StandardCharsets.UTF_8) + tail : text + tail;
            case 3 -> "part one of\r\n " + text + tail;
            default -> text + tail;
        };
    }

    /** Transfer encoding ("" for 8bit) and the encoded body. */
    private static String[] body(Random r) {
        StringBuilder text = new StringBuilder();
        int words = r.nextInt(4) == 0 ? 200 + r.nextInt(3000) : 5 + r.nextInt(60);
        for (int i = 0; i < words; i++) {
            text.append(BODY_WORDS[r.nextInt(BODY_WORDS.length)]).append(i % 12 == 11 ? "\r\n" : " ");
        }
        text.append("\r\n");
        return switch (r.nextInt(5)) {
            case 0 -> new String[] {"base64", Base64.getMimeEncoder().encodeToString(
                    text.toString().getBytes(StandardCharsets.UTF_8)) + "\r\n"};
            case 1 -> new String[] {"quoted-printable", quotedPrintable(text.toString())};
            default -> new String[] {"", text.toString()};
        };
    }

    /** RFC 2045 section 6.7, with a soft line break in the middle of long words' lines. */
    private static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '\r' || c == '\n') {
                out.append((char) c);
                column = 0;
                continue;
            }
            String piece = c >= 33 && c <= 126 && c != '=' || c == ' ' ? String.valueOf((char) c) : String.format("=%02X", c);
            if (column + piece.length() > 40) {
                out.append("=\r\n");
                column = 0;
            }
            out.append(piece);
            column += piece.length();
        }
        return out.toString();
    }

    /** An RFC 2047 Q-encoded word. */
    static String q(String text, Charset charset) {
        StringBuilder sb = new StringBuilder("=?").append(charset.name()).append("?Q?");
        for (byte b : text.getBytes(charset)) {
            int c = b & 0xff;
            if (c == ' ') {
                sb.append('_');
            } else if (c >= 33 && c <= 126 && c != '=' && c != '?' && c != '_') {
                sb.append((char) c);
            } else {
                sb.append(String.format("=%02X", c));
            }
        }
        return sb.append("?=").toString();
    }

    /** An RFC 2047 B-encoded word in UTF-8. */
    static String b(String text) {
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** Exact to the second, so Maildir's mtime keeps it. */
    static Instant seconds(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    static Duration days(int n) {
        return Duration.ofDays(n);
    }
}
