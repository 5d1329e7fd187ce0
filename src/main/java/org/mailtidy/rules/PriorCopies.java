package org.mailtidy.rules;

import org.mailtidy.mail.UidSet;

/**
 * The copies earlier runs made, which a copying rule does not make again: the contract's "a copying
 * rule copies a message once". The rule still matches such a message (its flag actions, {@code stop}
 * and its place in the fold are unchanged); only the copy is left out.
 */
@FunctionalInterface
public interface PriorCopies {

    /** No copies remembered: every copying rule copies every message it matches. */
    PriorCopies NONE = (rule, mailbox) -> UidSet.EMPTY;

    /** The UIDs of the messages that {@code rule} has already copied to {@code mailbox}. */
    UidSet uids(String rule, String mailbox);
}
