package org.mailtidy.imap;

import java.io.IOException;
import java.util.List;

/** Receives whole messages one at a time from {@link SelectedMailbox#fetchRaw}. */
@FunctionalInterface
public interface RawConsumer {
    void accept(RawMessage message) throws IOException;

    /** @param internalDate epoch milliseconds */
    record RawMessage(long uid, List<String> flags, long internalDate, byte[] content) {
    }
}
