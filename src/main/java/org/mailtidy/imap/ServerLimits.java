package org.mailtidy.imap;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What mailtidy accepts from a server, checked before memory is allocated for it (by {@link
 * ResponseGuard}, in front of Angus's response reader). A server that goes past one is disconnected
 * and the run fails with a message that says what it sent.
 *
 * @param maxLiteral          largest literal (a message, a header block) in octets
 * @param maxLine             longest response line, literals not counted; the guard allows
 *                            {@link #SEARCH_OCTETS_PER_MESSAGE} more per message the selected mailbox
 *                            holds, so a SEARCH answer naming every message always fits
 * @param maxResponses        most responses to one command; for mailtidy's UID commands, which
 *                            stream their answers, also {@code 2 × EXISTS} more, so a fetch of
 *                            every message always fits
 * @param maxMessages         largest message count (EXISTS) or message number a server may name:
 *                            Angus sizes its message cache from EXISTS, and a mailbox's table
 *                            takes about 30 octets of heap per message
 * @param maxKeywords         most flags on one message
 * @param commandTimeout      the longest one command may take, however the bytes trickle in
 * @param loginTimeout        the longest from connecting until logged in
 */
public record ServerLimits(long maxLiteral, long maxLine, long maxResponses, long maxMessages, int maxKeywords,
                           Duration commandTimeout, Duration loginTimeout) {

    public static final long MB = 1024L * 1024;
    /** A UID of 10 digits and its space. */
    public static final int SEARCH_OCTETS_PER_MESSAGE = 12;
    /** RFC 3501 section 2.3.1.1: UIDs, UIDVALIDITY and UIDNEXT are 32-bit. */
    public static final long MAX_UID = 4_294_967_295L;

    public static final ServerLimits DEFAULTS = new ServerLimits(50 * MB, MB, 100_000, 2_000_000, 1_000,
            Duration.ofMinutes(5), Duration.ofSeconds(60));

    public ServerLimits {
        if (maxLiteral < 1 || maxLine < 1024 || maxResponses < 1 || maxMessages < 1 || maxKeywords < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        if (commandTimeout.isNegative() || commandTimeout.isZero() || loginTimeout.isNegative()
                || loginTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public ServerLimits withMaxLiteral(long octets) {
        return new ServerLimits(octets, maxLine, maxResponses, maxMessages, maxKeywords, commandTimeout,
                loginTimeout);
    }

    public ServerLimits withMaxMessages(long messages) {
        return new ServerLimits(maxLiteral, maxLine, maxResponses, messages, maxKeywords, commandTimeout,
                loginTimeout);
    }

    public ServerLimits withTimeouts(Duration command, Duration login) {
        return new ServerLimits(maxLiteral, maxLine, maxResponses, maxMessages, maxKeywords, command, login);
    }

    /** {@code 50 MB}, {@code 1,500 octets}: for messages. */
    public static String octets(long n) {
        if (n >= MB && n % MB == 0) {
            return String.format(Locale.ROOT, "%,d MB", n / MB);
        }
        if (n >= 1024 && n % 1024 == 0) {
            return String.format(Locale.ROOT, "%,d KB", n / 1024);
        }
        return String.format(Locale.ROOT, "%,d octets", n);
    }

    /** {@code 5m}, {@code 90s}, {@code 1500ms}: the contract's duration syntax, for messages. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
