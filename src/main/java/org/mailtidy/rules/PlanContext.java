package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts a plan depends on besides the mailbox: the time the run started (for
 * {@code older_than}), today's date in the configured zone (for {@code sent_older_than}), the
 * account's trash mailbox (for {@code trash: true}; empty if the account has none) and the copies
 * earlier runs made ({@link PriorCopies}).
 */
public record PlanContext(Instant now, LocalDate today, Optional<String> trashMailbox, PriorCopies priorCopies) {
    public PlanContext {
        Objects.requireNonNull(priorCopies, "priorCopies");
    }

    /** A context that remembers no earlier copies. */
    public PlanContext(Instant now, LocalDate today, Optional<String> trashMailbox) {
        this(now, today, trashMailbox, PriorCopies.NONE);
    }
}
