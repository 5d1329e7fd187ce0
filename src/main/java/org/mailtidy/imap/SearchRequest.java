package org.mailtidy.imap;

import java.util.List;
import org.mailtidy.mail.SearchArg;

/** One {@code UID SEARCH} of a batch: its program, and whether it needs {@code CHARSET UTF-8}. */
public record SearchRequest(List<SearchArg> program, boolean utf8) {
}
