package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Evaluates a criterion on one message directly from the contract's words, one node at a time:
 * the reference the planner is compared with (and, for server-side subtrees, the "server").
 */
final class NaiveCriteria implements Criterion.Visitor<Boolean> {

    private final TestMessage message;
    private final Set<Flag> flags;
    private final Instant now;
    private final LocalDate today;

    NaiveCriteria(TestMessage message, Set<Flag> flags, Instant now, LocalDate today) {
        this.message = message;
        this.flags = flags;
        this.now = now;
        this.today = today;
    }

    static boolean matches(Criterion c, TestMessage m, Set<Flag> flags, Instant now, LocalDate today) {
        return c.accept(new NaiveCriteria(m, flags, now, today));
    }

    public Boolean all(Criterion.All c) {
        return true;
    }

    public Boolean and(Criterion.And c) {
        return c.parts().stream().allMatch(p -> p.accept(this));
    }

    public Boolean or(Criterion.Or c) {
        return c.parts().stream().anyMatch(p -> p.accept(this));
    }

    public Boolean not(Criterion.Not c) {
        return !c.part().accept(this);
    }

    public Boolean text(Criterion.Text c) {
        return switch (c.field()) {
            case FROM -> anyContains(message.header("From"), c.value());
            case TO -> anyContains(message.header("To"), c.value());
            case CC -> anyContains(message.header("Cc"), c.value());
            case BCC -> anyContains(message.header("Bcc"), c.value());
            case SUBJECT -> anyContains(message.header("Subject"), c.value());
            case BODY -> TestMessage.containsIgnoreCase(message.body(), c.value());
            case TEXT -> message.allHeaderValues().anyMatch(v -> TestMessage.containsIgnoreCase(v, c.value()))
                    || TestMessage.containsIgnoreCase(message.body(), c.value());
        };
    }

    public Boolean header(Criterion.Header c) {
        return anyContains(message.header(c.name()), c.value());
    }

    public Boolean flag(Criterion.FlagIs c) {
        return flags.contains(c.flag()) == c.present();
    }

    public Boolean age(Criterion.Age c) {
        Instant boundary = now.minus(c.age());
        Instant date = Instant.ofEpochMilli(message.internalDate());
        return c.older() ? date.isBefore(boundary) : !date.isBefore(boundary);
    }

    public Boolean receivedDate(Criterion.ReceivedDate c) {
        return compareDays(Instant.ofEpochMilli(message.internalDate()).atZone(ZoneOffset.UTC).toLocalDate(), c.op(), c.date());
    }

    public Boolean sentDate(Criterion.SentDate c) {
        return compareDays(message.sentDay(), c.op(), c.date());
    }

    public Boolean sentAge(Criterion.SentAge c) {
        LocalDate boundary = today.minusDays(c.days());
        return c.older() ? message.sentDay().isBefore(boundary) : !message.sentDay().isBefore(boundary);
    }

    public Boolean size(Criterion.Size c) {
        return c.larger() ? message.size() > c.bytes() : message.size() < c.bytes();
    }

    public Boolean regex(Criterion.HeaderRegex c) {
        return message.header(c.header()).stream().anyMatch(v -> c.pattern().matcher(v).find());
    }

    private static boolean compareDays(LocalDate day, Criterion.DateOp op, LocalDate date) {
        return switch (op) {
            case BEFORE -> day.isBefore(date);
            case SINCE -> !day.isBefore(date);
            case ON -> day.equals(date);
        };
    }

    private static boolean anyContains(List<String> values, String needle) {
        return values.stream().anyMatch(v -> TestMessage.containsIgnoreCase(v, needle));
    }
}
