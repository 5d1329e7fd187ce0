package org.mailtidy.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A message to preload into a test mailbox. {@code extraHeaders} are raw header lines (folded,
 * RFC 2047-encoded or 8-bit as the test needs), written as UTF-8 with CRLF line ends; a Date:
 * line among them replaces the default Date: (the internal date).
 */
public record TestMessage(String from, String to, String subject, String messageId, Instant internalDate,
                          Set<String> flags, List<String> extraHeaders, String body) {

    public TestMessage {
        flags = Set.copyOf(flags);
        extraHeaders = List.copyOf(extraHeaders);
    }

    /** A plain message with a unique Message-ID, received now, no flags. */
    public static TestMessage of(String subject) {
        return new TestMessage("Alice <alice@example.org>", "bob@example.org", subject,
                "<" + UUID.randomUUID() + "@test.mailtidy>", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                Set.of(), List.of(), "Hello.\r\n");
    }

    public TestMessage withFrom(String value) {
        return new TestMessage(value, to, subject, messageId, internalDate, flags, extraHeaders, body);
    }

    public TestMessage withFlags(String... values) {
        return new TestMessage(from, to, subject, messageId, internalDate, Set.of(values), extraHeaders, body);
    }

    public TestMessage withInternalDate(Instant value) {
        return new TestMessage(from, to, subject, messageId, value, flags, extraHeaders, body);
    }

    public TestMessage withMessageId(String value) {
        return new TestMessage(from, to, subject, value, internalDate, flags, extraHeaders, body);
    }

    public TestMessage withHeaders(String... lines) {
        return new TestMessage(from, to, subject, messageId, internalDate, flags, List.of(lines), body);
    }

    public TestMessage withBody(String value) {
        return new TestMessage(from, to, subject, messageId, internalDate, flags, extraHeaders, value);
    }

    /** RFC 5322 text; header fields that are null are left out. */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder();
        header(sb, "From", from);
        header(sb, "To", to);
        header(sb, "Subject", subject);
        header(sb, "Message-ID", messageId);
        if (extraHeaders.stream().noneMatch(l -> l.regionMatches(true, 0, "Date:", 0, 5))) {
            header(sb, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(internalDate.atOffset(ZoneOffset.UTC)));
        }
        for (String line : extraHeaders) {
            sb.append(line).append("\r\n");
        }
        sb.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
        sb.append(body.replace("\r\n", "\n").replace("\n", "\r\n"));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void header(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(name).append(": ").append(value).append("\r\n");
        }
    }
}
