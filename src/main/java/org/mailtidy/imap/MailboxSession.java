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
 * wire stays tested against real servers. The methods' contract is written here.
 */
public interface MailboxSession extends AutoCloseable {
    String name();

    long uidValidity();

    /** UIDNEXT at SELECT; negative when the server did not name it. */
    long uidNext();

    /**
     * The number of messages: EXISTS at SELECT, kept current by the EXISTS, EXPUNGE and VANISHED
     * responses seen since.
     */
    int exists();

    boolean readOnly();

    /** PERMANENTFLAGS (RFC 3501 section 7.1); {@code \*} means any new keyword can be stored. */
    Set<String> permanentFlags();

    boolean canStoreAnyKeyword();

    /**
     * True when the session enabled QRESYNC (RFC 7162 section 3.2.3) and the mailbox has
     * mod-sequences: {@link #fetchChangesSince} then also names the messages expunged since, and every
     * expunge raises HIGHESTMODSEQ. The server reports expunges as {@code VANISHED} instead of
     * {@code EXPUNGE} in such a session.
     */
    boolean qresync();

    /**
     * HIGHESTMODSEQ as SELECT reported it (RFC 7162 section 3.1.2.1), or 0 when the server has no
     * CONDSTORE or the mailbox no mod-sequences (NOMODSEQ). Every later change gets a higher one.
     */
    long highestModSeq();

    /** Whether the stores carry {@code UNCHANGEDSINCE} (CONDSTORE), so their outcome per message is certain. */
    boolean conditionalStores();

    /** True once the server reported a UIDVALIDITY other than the one at SELECT. */
    boolean uidValidityChanged();

    /**
     * UID, flags, INTERNALDATE and size of the messages with UID {@code fromUid} or higher ({@code UID
     * FETCH fromUid:*}); no command for an empty mailbox.
     * RFC 3501 section 6.4.8: {@code n:*} also names the last message when every UID is below n, so
     * rows below {@code fromUid} are dropped.
     */
    MessageTable fetchTable(long fromUid) throws ImapException;

    /**
     * Tells the session which table the run plans from when it was not fetched whole here (a
     * cached table refreshed from the server), so the CONDSTORE guards keep their per-message
     * state beside its UIDs rather than in a map.
     */
    void useTable(MessageTable table);

    /**
     * The flags of the messages up to UID {@code upToUid} whose mod-sequence is above {@code modSeq}:
     * {@code UID FETCH 1:upToUid (UID FLAGS) (CHANGEDSINCE modSeq)} (RFC 7162 section 3.1.4). Needs a
     * mailbox selected with CONDSTORE ({@link #highestModSeq()} above 0).
     */
    FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) throws ImapException;

    /**
     * The flags changed and the messages expunged since {@code modSeq} among the UIDs up to
     * {@code upToUid}: {@code UID FETCH 1:upToUid (UID FLAGS) (CHANGEDSINCE modSeq VANISHED)} (RFC 7162
     * section 3.2.6), answered with {@code * VANISHED (EARLIER) set} and a FETCH per changed message.
     * Needs {@link #qresync()}.
     */
    ChangesSince fetchChangesSince(long upToUid, long modSeq) throws ImapException;

    /**
     * {@link #fetchChangesSince} and {@link #fetchTable(long)} from {@code upToUid + 1} in one flight
     * (RFC 9051 section 5.5): neither depends on the other. Dovecot may answer the two at once, so each
     * FETCH goes to the command whose UID range it is in.
     */
    ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) throws ImapException;

    /**
     * The UIDs up to {@code upToUid} that exist, as ascending ranges (first, last pairs):
     * {@code UID SEARCH RETURN (ALL) UID 1:upToUid}, whose ESEARCH answer (RFC 4731) is a compact
     * set however many messages there are. Needs ESEARCH.
     */
    long[] existingUidRanges(long upToUid) throws ImapException;

    /**
     * {@code UID SEARCH} with the program's tokens (with ESEARCH, RFC 4731, answered as compact
     * ranges), answered as the indexes into {@code ascendingUids} (a snapshot's UIDs) of the UIDs
     * found; found UIDs that are not in it (mail that arrived after the snapshot) are left out.
     * The result goes from the response bytes straight into the bits: at a million messages no array
     * or string of UIDs is made.
     */
    BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException;

    /**
     * The searches, pipelined (RFC 9051 section 5.5): sent without waiting for each answer, each
     * answered as {@link #uidSearch(List, boolean, long[])} answers it. A search whose text needs a
     * synchronizing literal (non-ASCII without LITERAL+) waits for the answers before it.
     */
    List<BitSet> uidSearchAll(List<SearchRequest> requests, long[] ascendingUids)
            throws ImapException;

    /**
     * The named header fields of each message, unfolded and RFC 2047-decoded, handed to {@code consumer}
     * message by message as the answers arrive, so that the caller keeps only what it needs of tens of
     * thousands of messages' fields; a message that is gone is left out, an absent field is an empty list.
     */
    void fetchHeaderFields(long[] uids, Collection<String> fields,
                           ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException;

    /** Message-ID of each message (for audit lines); messages without one are absent. */
    Map<Long, String> fetchMessageIds(long[] uids) throws ImapException;

    /** Streams whole messages ({@code BODY.PEEK[]}, so {@code \Seen} is not set) one at a time. */
    void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException;

    /**
     * {@code UID STORE <set> +FLAGS.SILENT / -FLAGS.SILENT / FLAGS.SILENT (flags)}; any untagged FETCH
     * the server sends anyway (Cyrus before 3.10) is accepted and dropped. With {@link
     * #conditionalStores()} the store carries {@code (UNCHANGEDSINCE m)} and leaves alone every
     * message another client changed since this session read it.
     *
     * @return the UIDs left alone because another client changed them (always empty without CONDSTORE)
     */
    long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException;

    /**
     * The stores, in order, pipelined (RFC 9051 section 5.5): each flight goes out without waiting
     * for the answers of the commands in it. A message is never in two stores of one flight: its
     * later store waits for the next flight, so the server applies its changes in the plan's order
     * and, with CONDSTORE, the later store's {@code UNCHANGEDSINCE} is the mod-sequence the earlier
     * one reported. A message left alone or refused in a flight is left out of every later one, as
     * the stores one at a time would leave it. So a batch costs as many round trips as the most
     * stores any one message is in, not one per command.
     */
    StoreOutcome storeAll(List<StoreRequest> requests) throws ImapException;

    /** As {@link #storeAll(List)}, with {@code UID EXPUNGE expungeAfter} in the last conditional flight. */
    StoreOutcome storeAll(List<StoreRequest> requests, long[] expungeAfter)
            throws ImapException;

    /**
     * The copies and moves in one flight (RFC 9051 section 5.5), in order; {@code createFirst}: the
     * mailboxes to CREATE and SUBSCRIBE in front of them in the same flight (a destination known to be
     * missing). The caller sends no message in two of them: each one's outcome does not depend on the
     * others'. A refusal does not stop the rest (they were sent with it).
     */
    List<TransferOutcome> transferAll(List<TransferRequest> requests,
            Collection<String> createFirst) throws ImapException;

    /**
     * {@code UID COPY} (RFC 3501 section 6.4.7) to a mailbox named in UTF-8 with {@code /}.
     *
     * @return where the copies went, when the server has UIDPLUS (RFC 4315); else empty
     */
    CopiedUids copy(long[] uids, String mailbox) throws ImapException;

    /**
     * {@code UID MOVE} (RFC 6851); needs the MOVE extension.
     *
     * @return what the server reported: the UIDs gone from this mailbox, and where they went (the
     *         {@code COPYUID} of an untagged or the tagged OK, RFC 6851 section 4.3, with UIDPLUS)
     */
    Moved move(long[] uids, String mailbox) throws ImapException;

    /**
     * The {@code UNCHANGEDSINCE} value (RFC 7162) that protects the message's present state as this
     * session knows it: any later change by another client gets a higher mod-sequence. 0 without
     * conditional stores.
     */
    long unchangedSinceGuard(long uid);

    /**
     * {@code UID EXPUNGE} (RFC 4315 section 2.1): removes only these UIDs, never another client's
     * {@code \Deleted} messages. Without UIDPLUS nothing is sent and this throws.
     *
     * @return the UIDs the server reported expunged, as ascending (first, last) pairs
     */
    long[] uidExpunge(long[] uids) throws ImapException;

    /**
     * A mailbox-wide {@code EXPUNGE}: removes every {@code \Deleted} message, other clients' too.
     * Only for servers without UIDPLUS when the user allowed it (safety.expunge_without_uidplus).
     */
    void expungeAll() throws ImapException;

    /** Which of these UIDs still exist ({@code UID SEARCH UID set}), ascending. */
    long[] stillPresent(long[] uids) throws ImapException;

    /** Closes without expunging. */
    @Override
    void close();
}
