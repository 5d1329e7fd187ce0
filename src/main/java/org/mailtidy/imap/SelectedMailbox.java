package org.mailtidy.imap;

import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjLongConsumer;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox opened with SELECT or EXAMINE. Every command is a UID command (RFC 3501 section 6.4.8)
 * with its UID set compressed and split so that each line stays under 8,000 octets. Changing commands
 * are refused on a read-only (EXAMINEd) mailbox and after the server reported a new UIDVALIDITY.
 * What SELECT reported is here; each kind of command is in a class of its own ({@link TableFetches},
 * {@link MailboxSearches}, {@link MessageFetches}, {@link SingleStores}, {@link StoreFlights},
 * {@link SingleTransfers}, {@link TransferFlights}, {@link Expunges}), all sent through one
 * {@link MailboxCommands}.
 */
public final class SelectedMailbox implements MailboxSession {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedMailbox.class);

    private final ImapConnection connection;
    private final String name;
    private final IMAPFolder folder;
    private final boolean readOnly;
    private final long uidValidity;
    private final long uidNext;
    /** HIGHESTMODSEQ at SELECT; 0 without CONDSTORE or for a mailbox without mod-sequences. */
    private final long highestModSeq;
    private final MailboxCommands commands;
    private final UntaggedResponses untagged;
    private final TableFetches tables;
    private final MailboxSearches searches;
    private final MessageFetches messages;
    private final SingleStores stores;
    private final StoreFlights storeFlights;
    private final SingleTransfers transfers;
    private final TransferFlights transferFlights;
    private final Expunges expunges;

    SelectedMailbox(ImapConnection connection, String name, IMAPFolder folder, boolean readOnly, boolean condstore,
                    boolean qresync, OpeningAnswers opening) throws MessagingException {
        this.connection = connection;
        this.name = name;
        this.folder = folder;
        this.readOnly = readOnly;
        this.uidValidity = folder.getUIDValidity();
        this.uidNext = folder.getUIDNext();
        this.untagged = new UntaggedResponses(name, uidValidity, folder.getMessageCount());
        // A mailbox without mod-sequences answers SELECT with NOMODSEQ (RFC 7162 section 3.1.2.2).
        long highest = condstore ? folder.getHighestModSeq() : 0;
        this.highestModSeq = Math.max(0, highest);
        ModSeqGuards guards = highest > 0 && !readOnly ? new ModSeqGuards(highest) : null;
        this.commands = new MailboxCommands(connection, name, folder, readOnly, guards, qresync && highest > 0,
                untagged);
        this.tables = new TableFetches(commands, highestModSeq, opening);
        this.searches = new MailboxSearches(commands, opening);
        this.messages = new MessageFetches(commands);
        this.stores = new SingleStores(commands);
        this.storeFlights = new StoreFlights(commands, searches);
        this.transfers = new SingleTransfers(commands, searches);
        this.transferFlights = new TransferFlights(commands, searches);
        this.expunges = new Expunges(commands, searches);
    }

    @Override
    public boolean qresync() {
        return commands.qresync();
    }

    @Override
    public long highestModSeq() {
        return highestModSeq;
    }

    @Override
    public boolean conditionalStores() {
        return commands.guards() != null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long uidValidity() {
        return uidValidity;
    }

    @Override
    public long uidNext() {
        return uidNext;
    }

    @Override
    public int exists() {
        return untagged.exists();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public Set<String> permanentFlags() {
        Flags flags = folder.getPermanentFlags();
        return flags == null ? Set.of() : Set.copyOf(FlagNames.of(flags, true));
    }

    @Override
    public boolean canStoreAnyKeyword() {
        Flags flags = folder.getPermanentFlags();
        return flags != null && flags.contains(Flags.Flag.USER);
    }

    /** {@link #fetchTable(long)} of every message: one {@code UID FETCH 1:*}. */
    public MessageTable fetchTable() throws ImapException {
        return fetchTable(1);
    }

    @Override
    public MessageTable fetchTable(long fromUid) throws ImapException {
        return tables.fetchTable(fromUid);
    }

    @Override
    public void useTable(MessageTable table) {
        tables.useTable(table);
    }

    @Override
    public FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) throws ImapException {
        return tables.fetchFlagsChangedSince(upToUid, modSeq);
    }

    @Override
    public ChangesSince fetchChangesSince(long upToUid, long modSeq) throws ImapException {
        return tables.fetchChangesSince(upToUid, modSeq);
    }

    @Override
    public ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) throws ImapException {
        return tables.fetchChangesSinceAndTable(upToUid, modSeq);
    }

    @Override
    public long[] existingUidRanges(long upToUid) throws ImapException {
        return searches.existingUidRanges(upToUid);
    }

    /**
     * {@code UID SEARCH} with the program's tokens; with ESEARCH (RFC 4731) the result comes back as
     * compact ranges ({@code RETURN (ALL)}). Sorted, distinct UIDs.
     */
    public long[] uidSearch(List<SearchArg> program, boolean utf8) throws ImapException {
        return searches.uidSearch(program, utf8);
    }

    @Override
    public BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException {
        return searches.uidSearch(program, utf8, ascendingUids);
    }

    @Override
    public List<BitSet> uidSearchAll(List<SearchRequest> requests, long[] ascendingUids) throws ImapException {
        return searches.uidSearchAll(requests, ascendingUids);
    }

    /**
     * The named header fields of each message, unfolded and RFC 2047-decoded; a message that is gone
     * is absent from the result, an absent field maps to an empty list.
     */
    public Map<Long, Map<String, List<String>>> fetchHeaderFields(long[] uids, Collection<String> fields)
            throws ImapException {
        return messages.fetchHeaderFields(uids, fields);
    }

    @Override
    public void fetchHeaderFields(long[] uids, Collection<String> fields,
                                  ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException {
        messages.fetchHeaderFields(uids, fields, consumer);
    }

    @Override
    public Map<Long, String> fetchMessageIds(long[] uids) throws ImapException {
        return messages.fetchMessageIds(uids);
    }

    @Override
    public void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException {
        messages.fetchRaw(uids, consumer);
    }

    @Override
    public long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException {
        return stores.store(uids, mode, flags);
    }

    @Override
    public StoreOutcome storeAll(List<StoreRequest> requests) throws ImapException {
        return storeAll(requests, null);
    }

    @Override
    public StoreOutcome storeAll(List<StoreRequest> requests, long[] expungeAfter) throws ImapException {
        return storeFlights.storeAll(requests, expungeAfter);
    }

    @Override
    public CopiedUids copy(long[] uids, String mailbox) throws ImapException {
        return transfers.copy(uids, mailbox);
    }

    @Override
    public Moved move(long[] uids, String mailbox) throws ImapException {
        return transfers.move(uids, mailbox);
    }

    @Override
    public List<TransferOutcome> transferAll(List<TransferRequest> requests, Collection<String> createFirst)
            throws ImapException {
        return transferFlights.transferAll(requests, createFirst);
    }

    @Override
    public long unchangedSinceGuard(long uid) {
        return stores.unchangedSinceGuard(uid);
    }

    /**
     * {@code UID STORE <set> (UNCHANGEDSINCE modSeq) ...}: changes only the messages whose
     * mod-sequence is still at most {@code modSeq} (a guard from an earlier session, such as the one
     * an audit line recorded). Needs {@link #conditionalStores()}.
     *
     * @return the UIDs the server refused because they changed since
     */
    public long[] storeUnchangedSince(long[] uids, long modSeq, StoreMode mode, Collection<String> flags)
            throws ImapException {
        return stores.storeUnchangedSince(uids, modSeq, mode, flags);
    }

    @Override
    public long[] uidExpunge(long[] uids) throws ImapException {
        return expunges.uidExpunge(uids);
    }

    @Override
    public void expungeAll() throws ImapException {
        expunges.expungeAll();
    }

    @Override
    public long[] stillPresent(long[] uids) throws ImapException {
        return searches.stillPresent(uids);
    }

    @Override
    public boolean uidValidityChanged() {
        return untagged.uidValidityChanged();
    }

    /** Closes without expunging (UNSELECT, or EXAMINE + CLOSE; never CLOSE on a writable mailbox). */
    @Override
    public void close() {
        try {
            if (folder.isOpen()) {
                folder.close(false);
            }
        } catch (MessagingException e) {
            LOG.debug("closing {}: {}", name, e.toString());
        } finally {
            connection.deselected(this);
        }
    }

    boolean isOpen() {
        return folder.isOpen();
    }

    IMAPFolder folder() {
        return folder;
    }
}
