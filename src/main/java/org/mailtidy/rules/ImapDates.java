package org.mailtidy.rules;

import java.time.LocalDate;

/** IMAP's {@code date} syntax (RFC 3501 section 9): {@code d-Mon-yyyy}, English months, no zero padding. */
final class ImapDates {

    // Spelled out rather than formatted, so the JVM's locale cannot change them.
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private ImapDates() {
    }

    static String format(LocalDate date) {
        return date.getDayOfMonth() + "-" + MONTHS[date.getMonthValue() - 1] + "-" + year(date.getYear());
    }

    // date-year is 4DIGIT; Integer.toString, unlike String.format, never uses local digits.
    private static String year(int year) {
        String digits = Integer.toString(year);
        return "0".repeat(Math.max(0, 4 - digits.length())) + digits;
    }
}
