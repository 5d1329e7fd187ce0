package org.mailtidy.imap;

import java.util.Optional;

/**
 * What a batch of stores left undone. {@code leftAlone}: messages another client changed since
 * this session read them (CONDSTORE), as {@link MailboxSession#store} returns them; {@code refused}: the UIDs of
 * the commands the server answered NO or BAD, with the first such answer in {@code failure}.
 */
public record StoreOutcome(long[] leftAlone, long[] refused, Optional<ImapException> failure,
                           long[] expunged, Optional<ImapException> expungeFailure) {
    /** True when the {@code UID EXPUNGE} asked for went in the stores' last flight. */
    public boolean expungeSent() {
        return expunged != null;
    }
}
