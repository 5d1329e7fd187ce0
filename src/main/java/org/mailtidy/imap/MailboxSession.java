package org.mailtidy.imap;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjLongConsumer;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;

/**
 * What a mailbox run asks of a selected mailbox: what SELECT reported, the table fetch (with the
 * CONDSTORE/QRESYNC refreshes of the cache), searches, header and message fetches, and the changes
 * (STORE, COPY, MOVE, EXPUNGE). {@link SelectedMailbox} speaks it to a server; the engine's own
 * fast tests use an in-memory one, so that a run's decisions are tested without a socket while the
 * wire stays tested against real servers. Each method means what it does on {@link SelectedMailbox}.
 */
public interface MailboxSession extends AutoCloseable {
    String name();

    long uidValidity();

    /** UIDNEXT at SELECT; negative when the server did not name it. */
    long uidNext();

    int exists();

    boolean readOnly();

    Set<String> permanentFlags();

    boolean canStoreAnyKeyword();

    boolean qresync();

    long highestModSeq();

    /** Whether the stores carry {@code UNCHANGEDSINCE} (CONDSTORE), so their outcome per message is certain. */
    boolean conditionalStores();

    boolean uidValidityChanged();

    MessageTable fetchTable(long fromUid) throws ImapException;

    void useTable(MessageTable table);

    FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) throws ImapException;

    ChangesSince fetchChangesSince(long upToUid, long modSeq) throws ImapException;

    /** The changes since {@code modSeq} and the table of the messages above {@code upToUid}, in one flight. */
    SelectedMailbox.ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) throws ImapException;

    long[] existingUidRanges(long upToUid) throws ImapException;

    BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException;

    List<BitSet> uidSearchAll(List<SelectedMailbox.SearchRequest> requests, long[] ascendingUids)
            throws ImapException;

    void fetchHeaderFields(long[] uids, Collection<String> fields,
                           ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException;

    Map<Long, String> fetchMessageIds(long[] uids) throws ImapException;

    void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException;

    long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException;

    SelectedMailbox.StoreOutcome storeAll(List<SelectedMailbox.StoreRequest> requests) throws ImapException;

    /** As {@link #storeAll(List)}, with {@code UID EXPUNGE expungeAfter} in the last conditional flight. */
    SelectedMailbox.StoreOutcome storeAll(List<SelectedMailbox.StoreRequest> requests, long[] expungeAfter)
            throws ImapException;

    /** Consecutive COPY/MOVEs in one flight; {@code createFirst} names destinations to create before them. */
    List<SelectedMailbox.TransferOutcome> transferAll(List<SelectedMailbox.TransferRequest> requests,
            Collection<String> createFirst) throws ImapException;

    CopiedUids copy(long[] uids, String mailbox) throws ImapException;

    Moved move(long[] uids, String mailbox) throws ImapException;

    long unchangedSinceGuard(long uid);

    long[] uidExpunge(long[] uids) throws ImapException;

    void expungeAll() throws ImapException;

    long[] stillPresent(long[] uids) throws ImapException;

    /** Closes without expunging. */
    @Override
    void close();
}
