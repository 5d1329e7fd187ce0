package org.mailtidy.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code sent_*} criteria as regex criteria on the Date: header, for servers whose SENTBEFORE,
 * SENTON and SENTSINCE do not mean what RFC 3501 says (Courier converts the Date: header to UTC
 * first; RFC 3501 compares the header's own calendar date, zone disregarded). A regex criterion is
 * evaluated by mailtidy, on the Date: values fetched only for the messages whose outcome depends on
 * them, so a rule means the same on every server.
 *
 * <p>The pattern reads the date as RFC 5322 section 3.3 writes it, {@code [day-name ","] day month
 * year}, and compares day, month and year by alternation (a date is before D when its year is
 * less, or the year is equal and the month less, or both equal and the day less). A Date: header
 * that is absent or not in that form matches no {@code sent_*} criterion.
 */
public final class SentDateRegex {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final String START = "^\\s*(?:[A-Za-z]{3}\\s*,\\s*)?";

    private SentDateRegex() {
    }

    /** The criteria tree with every {@code sent_*} leaf replaced by its Date: regex; "today" for the ages. */
    public static Criterion rewrite(Criterion c, LocalDate today) {
        return c.accept(new Criterion.Visitor<>() {
            public Criterion all(Criterion.All x) {
                return x;
            }

            public Criterion and(Criterion.And x) {
                return new Criterion.And(x.parts().stream().map(p -> rewrite(p, today)).toList());
            }

            public Criterion or(Criterion.Or x) {
                return new Criterion.Or(x.parts().stream().map(p -> rewrite(p, today)).toList());
            }

            public Criterion not(Criterion.Not x) {
                return new Criterion.Not(rewrite(x.part(), today));
            }

            public Criterion text(Criterion.Text x) {
                return x;
            }

            public Criterion header(Criterion.Header x) {
                return x;
            }

            public Criterion flag(Criterion.FlagIs x) {
                return x;
            }

            public Criterion age(Criterion.Age x) {
                return x;
            }

            public Criterion receivedDate(Criterion.ReceivedDate x) {
                return x;
            }

            public Criterion sentDate(Criterion.SentDate x) {
                return of(x.op(), x.date());
            }

            public Criterion sentAge(Criterion.SentAge x) {
                // as ImapSearch renders it: SENTBEFORE / SENTSINCE today − N days
                return of(x.older() ? Criterion.DateOp.BEFORE : Criterion.DateOp.SINCE, today.minusDays(x.days()));
            }

            public Criterion size(Criterion.Size x) {
                return x;
            }

            public Criterion regex(Criterion.HeaderRegex x) {
                return x;
            }
        });
    }

    /** True when the tree has a {@code sent_*} leaf. */
    public static boolean hasSentDates(Criterion c) {
        return c.accept(new Criterion.Visitor<>() {
            private Boolean anyPart(List<Criterion> parts) {
                return parts.stream().anyMatch(SentDateRegex::hasSentDates);
            }

            @Override
            public Boolean all(Criterion.All x) {
                return false;
            }

            @Override
            public Boolean and(Criterion.And x) {
                return anyPart(x.parts());
            }

            @Override
            public Boolean or(Criterion.Or x) {
                return anyPart(x.parts());
            }

            @Override
            public Boolean not(Criterion.Not x) {
                return hasSentDates(x.part());
            }

            @Override
            public Boolean text(Criterion.Text x) {
                return false;
            }

            @Override
            public Boolean header(Criterion.Header x) {
                return false;
            }

            @Override
            public Boolean flag(Criterion.FlagIs x) {
                return false;
            }

            @Override
            public Boolean age(Criterion.Age x) {
                return false;
            }

            @Override
            public Boolean receivedDate(Criterion.ReceivedDate x) {
                return false;
            }

            @Override
            public Boolean sentDate(Criterion.SentDate x) {
                return true;
            }

            @Override
            public Boolean sentAge(Criterion.SentAge x) {
                return true;
            }

            @Override
            public Boolean size(Criterion.Size x) {
                return false;
            }

            @Override
            public Boolean regex(Criterion.HeaderRegex x) {
                return false;
            }
        });
    }

    /** The Date: regex of one comparison. */
    static Criterion.HeaderRegex of(Criterion.DateOp op, LocalDate date) {
        int y = date.getYear();
        int m = date.getMonthValue();
        int d = date.getDayOfMonth();
        List<String> alternatives = new ArrayList<>();
        switch (op) {
            case ON -> alternatives.add(date(days(d, d), months(m, m), year(y)));
            case BEFORE -> {
                alternatives.add(date("\\d{1,2}", months(1, 12), yearsBelow(y)));
                if (m > 1) {
                    alternatives.add(date("\\d{1,2}", months(1, m - 1), year(y)));
                }
                if (d > 1) {
                    alternatives.add(date(days(1, d - 1), months(m, m), year(y)));
                }
            }
            case SINCE -> {
                alternatives.add(date("\\d{1,2}", months(1, 12), yearsAbove(y)));
                if (m < 12) {
                    alternatives.add(date("\\d{1,2}", months(m + 1, 12), year(y)));
                }
                alternatives.add(date(days(d, 31), months(m, m), year(y)));
            }
        }
        return new Criterion.HeaderRegex("Date",
                Pattern.compile(START + "(?:" + String.join("|", alternatives) + ")", Pattern.CASE_INSENSITIVE));
    }

    private static String date(String days, String months, String years) {
        return "(?:" + days + ")\\s+(?:" + months + ")\\s+(?:" + years + ")(?!\\d)";
    }

    /** Days from..to, each with or without a leading zero; followed by white space, so 1 never matches 12. */
    private static String days(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i < 10 ? "0?" + i : Integer.toString(i));
        }
        return String.join("|", out);
    }

    private static String months(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(MONTHS[i - 1]);
        }
        return String.join("|", out);
    }

    private static String year(int y) {
        return String.format(Locale.ROOT, "%04d", y);
    }

    /** Four-digit years below y: for each digit, the same digits before it and a smaller one there. */
    private static String yearsBelow(int y) {
        String s = year(y);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int digit = s.charAt(i) - '0';
            if (digit > 0) {
                out.add(s.substring(0, i) + "[0-" + (digit - 1) + "]" + "\\d".repeat(3 - i));
            }
        }
        return out.isEmpty() ? "(?!)" : String.join("|", out);
    }

    /** Four-digit years above y, and any longer year. */
    private static String yearsAbove(int y) {
        String s = year(y);
        List<String> out = new ArrayList<>();
        out.add("[1-9]\\d{4,}");
        for (int i = 0; i < 4; i++) {
            int digit = s.charAt(i) - '0';
            if (digit < 9) {
                out.add(s.substring(0, i) + "[" + (digit + 1) + "-9]" + "\\d".repeat(3 - i));
            }
        }
        return String.join("|", out);
    }
}
