package org.mailtidy.imap;

import java.util.Collection;
import org.mailtidy.mail.StoreMode;

/** One {@code UID STORE} of a batch: these UIDs, this form, these flags. */
public record StoreRequest(long[] uids, StoreMode mode, Collection<String> flags) {
}
