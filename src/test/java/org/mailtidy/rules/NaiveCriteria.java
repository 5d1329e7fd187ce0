package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a criterion on one message directly from the contract's words, one node at a time:
 * the reference the planner is compared with. Server-side criteria go to {@link LocalSearch}, which
 * plays the server here.
 */
final class NaiveCriteria implements Criterion.Visitor<Boolean> {

    private final MemoryMessage message;
    private final Set<Flag> flags;
    private final Instant now;
    private final LocalDate today;

    NaiveCriteria(MemoryMessage message, Set<Flag> flags, Instant now, LocalDate today) {
        this.message = message;
        this.flags = flags;
        this.now = now;
        this.today = today;
    }

    static boolean matches(Criterion c, MemoryMessage m, Set<Flag> flags, Instant now, LocalDate today) {
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
        return serverSide(c);
    }

    public Boolean header(Criterion.Header c) {
        return serverSide(c);
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
        return serverSide(c);
    }

    public Boolean sentDate(Criterion.SentDate c) {
        return serverSide(c);
    }

    public Boolean sentAge(Criterion.SentAge c) {
        return serverSide(c);
    }

    public Boolean size(Criterion.Size c) {
        return c.larger() ? message.size() > c.bytes() : message.size() < c.bytes();
    }

    public Boolean regex(Criterion.HeaderRegex c) {
        return message.header(c.header()).stream().anyMatch(v -> c.pattern().matcher(v).find());
    }

    /**
     * What the server answers: the production evaluator with IMAP SEARCH meaning, the one that
     * {@code mailtidy check} uses and that the Dovecot agreement test holds to Dovecot's answers.
     * Internal dates are read in UTC, the zone the scenarios are written in.
     */
    private boolean serverSide(Criterion c) {
        return LocalSearch.matches(c, searchable(message), new LocalSearch.Clock(now, today, ZoneOffset.UTC));
    }

    static SearchableMessage searchable(MemoryMessage m) {
        List<SearchableMessage.Field> fields = m.headers().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> new SearchableMessage.Field(e.getKey(), v)))
                .toList();
        return new SearchableMessage(fields, m.body(), Instant.ofEpochMilli(m.internalDate()),
                Optional.of(m.sentDay()), m.size(), m.flags());
    }
}
