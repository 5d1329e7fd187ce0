package org.mailtidy.testsupport;

import java.util.Set;

/** A message as a server holds it, for assertions: UID, flags (without {@code \Recent}), Message-ID. */
public record StoredMessage(long uid, Set<String> flags, String messageId) {
    public StoredMessage {
        flags = Set.copyOf(flags);
    }
}
