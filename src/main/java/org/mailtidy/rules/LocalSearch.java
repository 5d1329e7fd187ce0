package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a criteria tree on one message without a server, with IMAP SEARCH meaning (RFC 9051
 * section 6.4.4): what {@code mailtidy check} runs a rule file's examples with, and what the tests
 * compare Dovecot's answers to. Pure: the message and the clock are all it looks at.
 *
 * <ul>
 *   <li>FROM, TO, CC, BCC, SUBJECT and HEADER: substring of any occurrence of the field's decoded
 *       value, compared by {@link SearchText}; HEADER with an empty value holds when the field is
 *       present at all. BODY: the body text. TEXT: any header line ({@code Name: value}) or the body.
 *   <li>BEFORE, ON, SINCE: INTERNALDATE's calendar day in {@code zone}. SENTBEFORE, SENTON,
 *       SENTSINCE: the Date: header's own day; a message without a readable Date: was sent on 1 January 1970.
 *   <li>{@code older_than}/{@code newer_than} (RFC 5032 OLDER/YOUNGER) exact to the millisecond:
 *       at the boundary a message is newer. LARGER/SMALLER strict. Flags on {@link SearchableMessage#flags()}.
 *   <li>Regex criteria: {@code find()} on any occurrence's decoded value; an absent field never matches.
 * </ul>
 */
public final class LocalSearch implements Criterion.Visitor<Boolean> {

    /**
     * When the search happens: {@code now} for ages, {@code today} for {@code sent_older_than}
     * (the run's "today"), {@code zone} for INTERNALDATE's calendar day.
     */
    public record Clock(Instant now, LocalDate today, ZoneId zone) {
        public Clock {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(today, "today");
            Objects.requireNonNull(zone, "zone");
        }

        /** {@code today} taken in {@code zone} at {@code now}. */
        public static Clock at(Instant now, ZoneId zone) {
            return new Clock(now, LocalDate.ofInstant(now, zone), zone);
        }
    }

    /** The sent day of a message whose Date: is missing or unreadable. */
    public static final LocalDate NO_SENT_DAY = LocalDate.of(1970, 1, 1);

    private final SearchableMessage message;
    private final Clock clock;

    public LocalSearch(SearchableMessage message, Clock clock) {
        this.message = Objects.requireNonNull(message, "message");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code criterion} holds for {@code message} at {@code clock}. */
    public static boolean matches(Criterion criterion, SearchableMessage message, Clock clock) {
        return criterion.accept(new LocalSearch(message, clock));
    }

    @Override
    public Boolean all(Criterion.All c) {
        return true;
    }

    @Override
    public Boolean and(Criterion.And c) {
        for (Criterion part : c.parts()) {
            if (!part.accept(this)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Boolean or(Criterion.Or c) {
        for (Criterion part : c.parts()) {
            if (part.accept(this)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Boolean not(Criterion.Not c) {
        return !c.part().accept(this);
    }

    @Override
    public Boolean text(Criterion.Text c) {
        return switch (c.field()) {
            case FROM -> anyContains(message.header("From"), c.value());
            case TO -> anyContains(message.header("To"), c.value());
            case CC -> anyContains(message.header("Cc"), c.value());
            case BCC -> anyContains(message.header("Bcc"), c.value());
            case SUBJECT -> anyContains(message.header("Subject"), c.value());
            case BODY -> SearchText.contains(message.body(), c.value());
            case TEXT -> anyHeaderLineContains(c.value()) || SearchText.contains(message.body(), c.value());
        };
    }

    /** RFC 9051: HEADER with an empty string matches every message that has the field. */
    @Override
    public Boolean header(Criterion.Header c) {
        List<String> values = message.header(c.name());
        return c.value().isEmpty() ? !values.isEmpty() : anyContains(values, c.value());
    }

    @Override
    public Boolean flag(Criterion.FlagIs c) {
        return message.flags().contains(c.flag()) == c.present();
    }

    @Override
    public Boolean age(Criterion.Age c) {
        Instant boundary = clock.now().minus(c.age());
        return message.internalDate().isBefore(boundary) == c.older();
    }

    @Override
    public Boolean receivedDate(Criterion.ReceivedDate c) {
        return compare(LocalDate.ofInstant(message.internalDate(), clock.zone()), c.op(), c.date());
    }

    /**
     * A message without a readable Date: counts as sent on {@link #NO_SENT_DAY}, as Dovecot counts it
     * (it reads such a date as time 0): SENTBEFORE and {@code sent_older_than} match it.
     */
    @Override
    public Boolean sentDate(Criterion.SentDate c) {
        return compare(message.sentDay().orElse(NO_SENT_DAY), c.op(), c.date());
    }

    /** SENTBEFORE / SENTSINCE today − N days, as {@link SearchKeys} renders it. */
    @Override
    public Boolean sentAge(Criterion.SentAge c) {
        Criterion.DateOp op = c.older() ? Criterion.DateOp.BEFORE : Criterion.DateOp.SINCE;
        return sentDate(new Criterion.SentDate(op, clock.today().minusDays(c.days())));
    }

    @Override
    public Boolean size(Criterion.Size c) {
        return c.larger() ? message.size() > c.bytes() : message.size() < c.bytes();
    }

    @Override
    public Boolean regex(Criterion.HeaderRegex c) {
        for (String value : message.header(c.header())) {
            if (c.pattern().matcher(value).find()) {
                return true;
            }
        }
        return false;
    }

    private boolean anyHeaderLineContains(String needle) {
        for (SearchableMessage.Field f : message.fields()) {
            if (SearchText.contains(f.name() + ": " + f.value(), needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyContains(List<String> values, String needle) {
        for (String v : values) {
            if (SearchText.contains(v, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean compare(LocalDate day, Criterion.DateOp op, LocalDate date) {
        return switch (op) {
            case BEFORE -> day.isBefore(date);
            case SINCE -> !day.isBefore(date);
            case ON -> day.equals(date);
        };
    }
}
