package org.mailtidy.imap;

import java.util.Optional;

/**
 * What the server did with one {@link TransferRequest}: where the copies went and (a move) the UIDs
 * gone from this mailbox; or its refusal, and whether the refusal said {@code [TRYCREATE]}
 * (RFC 3501 section 6.4.7: the destination does not exist; a refused COPY or MOVE did nothing).
 */
public record TransferOutcome(Moved done, long[] refusedUids, Optional<ImapException> refusal,
                              boolean tryCreate) {
}
