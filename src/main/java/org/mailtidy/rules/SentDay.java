package org.mailtidy.rules;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calendar day a Date: header names, in the header's own zone: what SENTBEFORE, SENTON and
 * SENTSINCE compare (RFC 9051 section 6.4.4: "disregarding time and timezone").
 */
public final class SentDay {

    // RFC 5322 section 3.3 with its obsolete forms: optional day name, 2- or 4-digit year, comments.
    private static final Pattern DATE = Pattern.compile(
            "^\\s*(?:[A-Za-z]{3}\\s*,\\s*)?(\\d{1,2})\\s+([A-Za-z]{3})[a-z]*\\s+(\\d{2,4})\\s");
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    private SentDay() {
    }

    /** The day of a Date: header value; empty when it is not a date. */
    public static Optional<LocalDate> of(String dateHeader) {
        Matcher m = DATE.matcher(dateHeader + " ");
        if (!m.find()) {
            return Optional.empty();
        }
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT));
        if (month < 0 || month % 3 != 0) {
            return Optional.empty();
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900; // RFC 5322 section 4.3
        } else if (m.group(3).length() == 3) {
            year += 1900;
        }
        try {
            return Optional.of(LocalDate.of(year, month / 3 + 1, Integer.parseInt(m.group(1))));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
