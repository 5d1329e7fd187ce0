package org.mailtidy.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the contract spells numbers, booleans, durations, sizes and dates. Each reader works on the
 * text of a value after {@code ${...}} expansion and never on YAML's implicit typing.
 */
final class Syntax {

    static final String DURATION_EXAMPLES = "a duration such as 90m, 12h, 30d, 2w or 1y";
    static final String DAYS_EXAMPLES = "a number of days such as 30d, 2w or 1y";
    static final String SIZE_EXAMPLES = "a size in bytes or with KB, MB or GB, such as 50000, 500KB or 10MB";
    static final String DATE_EXAMPLES = "a date YYYY-MM-DD such as 2026-01-31";

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)([smhdwy])");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)(KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final DateTimeFormatter ISO_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    /** RFC 3501 section 9: a number is an unsigned 32-bit integer (LARGER, SMALLER). */
    private static final long MAX_IMAP_NUMBER = 4_294_967_295L;
    private static final int MAX_DAYS = 100 * 365;

    private Syntax() {
    }

    /** YAML 1.2 core schema spellings only: {@code yes}, {@code no}, {@code on}, {@code off} are not booleans. */
    static boolean bool(String text) throws BadValue {
        return switch (text) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw BadValue.expected("true or false", text);
        };
    }

    static long integer(String text, long min, long max) throws BadValue {
        if (!INTEGER.matcher(text).matches()) {
            throw BadValue.expected("a whole number", text);
        }
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException tooLong) {
            throw outOfRange(text, min, max);
        }
        if (n < min || n > max) {
            throw outOfRange(text, min, max);
        }
        return n;
    }

    private static BadValue outOfRange(String text, long min, long max) {
        String range = max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
        return BadValue.expected("a whole number " + range, text);
    }

    /** An integer and one unit: {@code s m h d w y} ({@code y} = 365 days); greater than 0. */
    static Duration duration(String text) throws BadValue {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw BadValue.expected(DURATION_EXAMPLES, text);
        }
        long seconds = unitSeconds(m.group(2).charAt(0));
        try {
            long n = Long.parseLong(m.group(1));
            if (n == 0) {
                throw BadValue.expected("a duration greater than 0", text);
            }
            return Duration.ofSeconds(Math.multiplyExact(n, seconds));
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw new BadValue("duration " + Text.quote(text) + " is too large");
        }
    }

    private static long unitSeconds(char unit) {
        return switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86_400;
            case 'w' -> 7 * 86_400;
            default -> 365 * 86_400;
        };
    }

    /** Whole days ({@code 30d}, {@code 2w}, {@code 1y}): sent dates have day granularity in IMAP. */
    static int days(String text) throws BadValue {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw BadValue.expected(DAYS_EXAMPLES, text);
        }
        char unit = m.group(2).charAt(0);
        if (unit == 's' || unit == 'm' || unit == 'h') {
            throw new BadValue("expected " + DAYS_EXAMPLES + ", got " + Text.quote(text)
                    + " (the Date: header is compared by calendar day, so units below a day are not accepted)");
        }
        long perUnit = unit == 'd' ? 1 : unit == 'w' ? 7 : 365;
        long days;
        try {
            days = Math.multiplyExact(Long.parseLong(m.group(1)), perUnit);
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            days = Long.MAX_VALUE;
        }
        if (days > MAX_DAYS) {
            throw new BadValue("expected at most 100 years, got " + Text.quote(text));
        }
        return (int) days;
    }

    /** Bytes, or KB/MB/GB as powers of 1024; whole numbers only. */
    static long size(String text) throws BadValue {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw BadValue.expected(SIZE_EXAMPLES, text);
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            default -> 1;
        };
        try {
            long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
            if (bytes <= MAX_IMAP_NUMBER) {
                return bytes;
            }
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            // reported below
        }
        throw new BadValue("size " + Text.quote(text) + " is too large: IMAP sizes are below 4GB");
    }

    static LocalDate date(String text) throws BadValue {
        if (!DATE.matcher(text).matches()) {
            throw BadValue.expected(DATE_EXAMPLES, text);
        }
        try {
            return LocalDate.parse(text, ISO_DATE);
        } catch (DateTimeException e) {
            throw new BadValue("no such date: " + text);
        }
    }

    /** The value in {@code values} equal to {@code text}, or an error naming them and the closest. */
    static String choice(String text, List<String> values) throws BadValue {
        if (values.contains(text)) {
            return text;
        }
        throw new BadValue("expected " + Text.oneOf(values) + ", got " + Text.quote(text)
                + DidYouMean.suffix(text, values));
    }
}
