package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The facts a plan depends on besides the mailbox: the time the run started (for
 * {@code older_than}), today's date in the configured zone (for {@code sent_older_than}) and the
 * account's trash mailbox (for {@code trash: true}; empty if the account has none).
 */
public record PlanContext(Instant now, LocalDate today, Optional<String> trashMailbox) {
}
