package org.mailtidy.imap;

import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MODSEQ;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox opened with SELECT or EXAMINE. Every command is a UID command (RFC 3501 section 6.4.8)
 * with its UID set compressed and split so that each line stays under 8,000 octets. Changing commands
 * are refused on a read-only (EXAMINEd) mailbox and after the server reported a new UIDVALIDITY.
 */
public final class SelectedMailbox implements MailboxSession {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedMailbox.class);
    private static final Pattern UIDVALIDITY_CODE = Pattern.compile("^\\[UIDVALIDITY (\\d+)]",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    private static final Pattern COPYUID_CODE = Pattern.compile("\\[COPYUID (\\d+) ([0-9:,]+) ([0-9:,]+)]",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HIGHESTMODSEQ_CODE = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]",
            Pattern.CASE_INSENSITIVE);

    /** Rows a fetch of the whole mailbox is presized for; the server's EXISTS is not trusted further. */
    private static final int PRESIZE_LIMIT = 1 << 20;
    /** More UIDs than the mailbox holds that a search answer may name: mail that arrives meanwhile. */
    private static final long SEARCH_SLACK = 10_000;

    private final ImapConnection connection;
    private final String name;
    private final IMAPFolder folder;
    private final boolean readOnly;
    private final long uidValidity;
    private final long uidNext;
    private volatile boolean uidValidityChanged;
    /** EXPUNGE and VANISHED responses seen so far, to tell whether a command expunged anything. */
    private long expungeReports;
    private long reportsBeforeCommand;
    private volatile int exists;
    /** HIGHESTMODSEQ at SELECT; 0 without CONDSTORE or for a mailbox without mod-sequences. */
    private final long highestModSeq;
    /** Present when the mailbox was selected writable with CONDSTORE and has mod-sequences. */
    private final ModSeqGuards guards;
    /** True when the session has QRESYNC enabled and the mailbox has mod-sequences. */
    private final boolean qresync;

    SelectedMailbox(ImapConnection connection, String name, IMAPFolder folder, boolean readOnly, boolean condstore,
                    boolean qresync) throws MessagingException {
        this.connection = connection;
        this.name = name;
        this.folder = folder;
        this.readOnly = readOnly;
        this.uidValidity = folder.getUIDValidity();
        this.uidNext = folder.getUIDNext();
        this.exists = folder.getMessageCount();
        // A mailbox without mod-sequences answers SELECT with NOMODSEQ (RFC 7162 section 3.1.2.2).
        long highest = condstore ? folder.getHighestModSeq() : 0;
        this.highestModSeq = Math.max(0, highest);
        this.guards = highest > 0 && !readOnly ? new ModSeqGuards(highest) : null;
        this.qresync = qresync && highest > 0;
    }

    /**
     * True when the session enabled QRESYNC (RFC 7162 section 3.2.3) and the mailbox has
     * mod-sequences: {@link #fetchChangesSince} then also names the messages expunged since, and every
     * expunge raises HIGHESTMODSEQ. The server reports expunges as {@code VANISHED} instead of
     * {@code EXPUNGE} in such a session.
     */
    public boolean qresync() {
        return qresync;
    }

    /**
     * HIGHESTMODSEQ as SELECT reported it (RFC 7162 section 3.1.2.1), or 0 when the server has no
     * CONDSTORE or the mailbox no mod-sequences (NOMODSEQ). Every later change gets a higher one.
     */
    public long highestModSeq() {
        return highestModSeq;
    }

    /**
     * True when stores are conditional (RFC 7162 CONDSTORE): {@link #store} then never overwrites
     * a change another client made after this session read the mailbox.
     */
    public boolean conditionalStores() {
        return guards != null;
    }

    public String name() {
        return name;
    }

    public long uidValidity() {
        return uidValidity;
    }

    /** UIDNEXT from the SELECT response, or -1 when the server sent none. */
    public long uidNext() {
        return uidNext;
    }

    /**
     * The number of messages: EXISTS at SELECT, kept current by the EXISTS, EXPUNGE and VANISHED
     * responses seen since.
     */
    public int exists() {
        return exists;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** PERMANENTFLAGS (RFC 3501 section 7.1); {@code \*} means any new keyword can be stored. */
    public Set<String> permanentFlags() {
        Flags flags = folder.getPermanentFlags();
        return flags == null ? Set.of() : Set.copyOf(FlagNames.of(flags, true));
    }

    public boolean canStoreAnyKeyword() {
        Flags flags = folder.getPermanentFlags();
        return flags != null && flags.contains(Flags.Flag.USER);
    }

    /**
     * UID, flags, INTERNALDATE and size of every message with one {@code UID FETCH 1:*}; no command
     * for an empty mailbox.
     */
    public MessageTable fetchTable() throws ImapException {
        return fetchTable(1);
    }

    /**
     * The same for the messages with UID {@code fromUid} or higher ({@code UID FETCH fromUid:*}).
     * RFC 3501 section 6.4.8: {@code n:*} also names the last message when every UID is below n, so
     * rows below {@code fromUid} are dropped.
     */
    public MessageTable fetchTable(long fromUid) throws ImapException {
        if (fromUid < 1) {
            throw new IllegalArgumentException("UIDs start at 1: " + fromUid);
        }
        // EXISTS is the server's word: presized up to a million rows, grown past that as rows arrive
        MessageTableBuilder table = new MessageTableBuilder(fromUid == 1 ? Math.max(16, Math.min(exists(),
                PRESIZE_LIMIT)) : 16);
        if (exists() == 0) {
            return table.build();
        }
        run("UID FETCH", "UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)", null, r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                INTERNALDATE date = f.getItem(INTERNALDATE.class);
                RFC822SIZE size = f.getItem(RFC822SIZE.class);
                if (uid != null && uid.uid < fromUid) {
                    return true;
                }
                checkUidAndFlags("UID FETCH", uid, flags);
                if (uid != null && flags != null && date != null && size != null) {
                    table.add(uid.uid, FlagNames.of(flags, false), date.getDate().getTime(), size.size);
                    return true;
                }
            }
            return false;
        });
        MessageTable built = table.build();
        if (guards != null) {
            guards.track(built.uids());
        }
        return built;
    }

    /**
     * Tells the session which table the run plans from when it was not fetched whole here (a
     * cached table refreshed from the server), so the CONDSTORE guards keep their per-message
     * state beside its UIDs rather than in a map.
     */
    public void useTable(MessageTable table) {
        if (guards != null) {
            guards.track(table.uids());
        }
    }

    /**
     * The flags of the messages up to UID {@code upToUid} whose mod-sequence is above {@code modSeq}:
     * {@code UID FETCH 1:upToUid (UID FLAGS) (CHANGEDSINCE modSeq)} (RFC 7162 section 3.1.4). Needs a
     * mailbox selected with CONDSTORE ({@link #highestModSeq()} above 0).
     */
    public FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) throws ImapException {
        if (highestModSeq == 0) {
            throw new IllegalStateException(name + " was not selected with CONDSTORE");
        }
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        if (exists() == 0 || upToUid < 1) {
            return updates.build();
        }
        run("UID FETCH", "UID FETCH 1:" + upToUid + " (UID FLAGS) (CHANGEDSINCE " + modSeq + ")", null,
                r -> takeChangedFlags(r, upToUid, updates));
        return updates.build();
    }

    /** True when {@code r} is a FETCH of UID and FLAGS: taken into {@code updates} if its UID is in range. */
    private boolean takeChangedFlags(Response r, long upToUid, FlagUpdates.Builder updates) throws ImapException {
        if (r instanceof FetchResponse f) {
            UID uid = f.getItem(UID.class);
            FLAGS flags = f.getItem(FLAGS.class);
            checkUidAndFlags("UID FETCH", uid, flags);
            if (uid != null && flags != null) {
                // 1:n names the last message too when every UID is above n (RFC 3501 section 6.4.8)
                if (uid.uid <= upToUid) {
                    updates.add(uid.uid, FlagNames.of(flags, false));
                }
                return true;
            }
        }
        return false;
    }

    /**
     * The flags changed and the messages expunged since {@code modSeq} among the UIDs up to
     * {@code upToUid}: {@code UID FETCH 1:upToUid (UID FLAGS) (CHANGEDSINCE modSeq VANISHED)} (RFC 7162
     * section 3.2.6), answered with {@code * VANISHED (EARLIER) set} and a FETCH per changed message.
     * Needs {@link #qresync()}.
     */
    public ChangesSince fetchChangesSince(long upToUid, long modSeq) throws ImapException {
        if (!qresync) {
            throw new IllegalStateException(name + " was not selected with QRESYNC enabled");
        }
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        UidRanges vanished = new UidRanges();
        if (upToUid < 1) {
            return new ChangesSince(updates.build(), new long[0]);
        }
        run("UID FETCH", "UID FETCH 1:" + upToUid + " (UID FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)", null, r -> {
            if (takeChangedFlags(r, upToUid, updates)) {
                return true;
            }
            if (Vanished.is(r)) {
                // Without (EARLIER) another client expunged these just now: gone all the same. Left
                // unconsumed so that Angus and observe() count them out of the mailbox as well.
                return Vanished.read(r, vanished);
            }
            return false;
        });
        return new ChangesSince(updates.build(), vanished.toArray());
    }

    /** What {@link #fetchChangesSinceAndTable} read: the changes up to a UID, and the table above it. */
    public record ChangesAndTable(ChangesSince changes, MessageTable table) {
    }

    /**
     * {@link #fetchChangesSince} and {@link #fetchTable(long)} from {@code upToUid + 1} in one flight
     * (RFC 9051 section 5.5): neither depends on the other. Dovecot may answer the two at once, so each
     * FETCH goes to the command whose UID range it is in.
     */
    public ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) throws ImapException {
        if (!qresync) {
            throw new IllegalStateException(name + " was not selected with QRESYNC enabled");
        }
        long fromUid = upToUid + 1;
        FlagUpdates.Builder updates = new FlagUpdates.Builder();
        UidRanges vanished = new UidRanges();
        MessageTableBuilder table = new MessageTableBuilder(16);
        Wire.Handler changes = r -> {
            if (takeChangedFlags(r, upToUid, updates)) {
                return true;
            }
            return Vanished.is(r) && Vanished.read(r, vanished);
        };
        Wire.Handler rows = r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                INTERNALDATE date = f.getItem(INTERNALDATE.class);
                RFC822SIZE size = f.getItem(RFC822SIZE.class);
                if (uid != null && uid.uid < fromUid) {
                    return true;  // n:* names the last message too when every UID is below n
                }
                checkUidAndFlags("UID FETCH", uid, flags);
                if (uid != null && flags != null && date != null && size != null) {
                    table.add(uid.uid, FlagNames.of(flags, false), date.getDate().getTime(), size.size);
                    return true;
                }
            }
            return false;
        };
        String changed = "UID FETCH 1:" + upToUid + " (UID FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)";
        String rest = "UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)";
        connection.counter().increment("UID FETCH", 2);
        List<Response> answers = pipelined("UID FETCH", List.of(
                new Wire.Pipelined(changed, null, changes, changed.length() + 24, false,
                        r -> Vanished.is(r) || fetchedUid(r) > 0 && !withDate(r)),
                new Wire.Pipelined(rest, null, rows, rest.length() + 24, false, SelectedMailbox::withDate)));
        for (Response tagged : answers) {
            if (!tagged.isOK()) {
                throw refusal("UID FETCH", tagged);
            }
        }
        MessageTable built = table.build();
        return new ChangesAndTable(new ChangesSince(updates.build(), vanished.toArray()), built);
    }

    /** A FETCH with INTERNALDATE: only the table's FETCH asks for it. */
    private static boolean withDate(Response r) {
        return r instanceof FetchResponse f && f.getItem(INTERNALDATE.class) != null;
    }

    /** The UID of a FETCH response; 0 for anything else. */
    private static long fetchedUid(Response r) {
        if (r instanceof FetchResponse f) {
            UID uid = f.getItem(UID.class);
            return uid == null ? 0 : uid.uid;
        }
        return 0;
    }

    /**
     * The UIDs up to {@code upToUid} that exist, as ascending ranges (first, last pairs):
     * {@code UID SEARCH RETURN (ALL) UID 1:upToUid}, whose ESEARCH answer (RFC 4731) is a compact
     * set however many messages there are. Needs ESEARCH.
     */
    public long[] existingUidRanges(long upToUid) throws ImapException {
        if (!connection.hasCapability("ESEARCH")) {
            throw new IllegalStateException(connection.description() + " has no ESEARCH");
        }
        if (exists() == 0 || upToUid < 1) {
            return new long[0];
        }
        UidRanges all = new UidRanges();
        run("UID SEARCH", "UID SEARCH RETURN (ALL) UID 1:" + upToUid, null, r -> SearchResults.read(r, all));
        long[] ranges = all.toArray();
        // 1:n names the last message too when every UID is above n (RFC 3501 section 6.4.8)
        int keep = ranges.length;
        while (keep > 0 && ranges[keep - 2] > upToUid) {
            keep -= 2;
        }
        if (keep > 0 && ranges[keep - 1] > upToUid) {
            ranges[keep - 1] = upToUid;
        }
        return java.util.Arrays.copyOf(ranges, keep);
    }

    /**
     * {@code UID SEARCH} with the program's tokens; with ESEARCH (RFC 4731) the result comes back as
     * compact ranges ({@code RETURN (ALL)}). Sorted, distinct UIDs.
     */
    public long[] uidSearch(List<SearchArg> program, boolean utf8) throws ImapException {
        LongStream.Builder found = LongStream.builder();
        uidSearch(program, utf8, (first, last) -> {
            for (long uid = first; uid <= last; uid++) {
                found.add(uid);
            }
        });
        return UidSets.sortedDistinct(found.build().toArray());
    }

    /**
     * The same search, answered as the indexes into {@code ascendingUids} (a snapshot's UIDs) of the
     * UIDs found; found UIDs that are not in it (mail that arrived after the snapshot) are left out.
     * The result goes from the response bytes straight into the bits: at a million messages no array
     * or string of UIDs is made.
     */
    public BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException {
        UidIndexBits found = new UidIndexBits(ascendingUids);
        uidSearch(program, utf8, found);
        return found.bits();
    }

    /** One {@code UID SEARCH} of a batch: its program, and whether it needs {@code CHARSET UTF-8}. */
    public record SearchRequest(List<SearchArg> program, boolean utf8) {
    }

    /**
     * The searches, pipelined (RFC 9051 section 5.5): sent without waiting for each answer, each
     * answered as {@link #uidSearch(List, boolean, long[])} answers it. A search whose text needs a
     * synchronizing literal (non-ASCII without LITERAL+) waits for the answers before it.
     */
    public List<BitSet> uidSearchAll(List<SearchRequest> requests, long[] ascendingUids) throws ImapException {
        if (!connection.hasCapability("ESEARCH")) {
            // A plain SEARCH answer names no command, and a server may run pipelined searches at
            // once (Dovecot does): only ESEARCH's correlator (RFC 4731) tells the answers apart.
            List<BitSet> out = new java.util.ArrayList<>();
            for (SearchRequest r : requests) {
                out.add(uidSearch(r.program(), r.utf8(), ascendingUids));
            }
            return out;
        }
        List<UidIndexBits> found = new java.util.ArrayList<>();
        boolean literalPlus = connection.hasCapability("LITERAL+");
        for (int i = 0; i < requests.size(); i++) {
            found.add(new UidIndexBits(ascendingUids));
        }
        connection.counter().increment("UID SEARCH", requests.size());
        List<Response> answers = pipelined("UID SEARCH", p -> {
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                SearchRequest request = requests.get(i);
                SearchCommand c = searchCommand(request.program(), request.utf8(), found.get(i), p.supportsUtf8());
                int octets = c.verb.length() + 24 + request.program().stream().mapToInt(a -> a instanceof SearchArg.Str t
                        ? t.value().length() * 4 + 16 : a instanceof SearchArg.Atom t ? t.text().length() + 1 : 16)
                        .sum();
                boolean literal = !literalPlus && request.program().stream().anyMatch(a -> a instanceof SearchArg.Str t
                        && t.value().chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e));
                flight.add(new Wire.Pipelined(c.verb, c.args, c.handler, octets, literal));
            }
            return flight;
        });
        for (Response tagged : answers) {
            if (!tagged.isOK()) {
                throw refusal("UID SEARCH", tagged);
            }
        }
        return found.stream().map(UidIndexBits::bits).toList();
    }

    private record SearchCommand(String verb, Argument args, Wire.Handler handler) {
    }

    /** The command line before the program, its arguments, and the handler that reads its answer. */
    private SearchCommand searchCommand(List<SearchArg> program, boolean utf8, UidRangeSink sink,
                                        boolean utf8Accepted) {
        long[] count = {0};
        UidRangeSink found = (first, last) -> {
            count[0] += last - first + 1;
            if (count[0] > exists() + SEARCH_SLACK) {
                throw new TooManyUids();
            }
            sink.range(first, last);
        };
        Wire.Handler handler = r -> {
            try {
                return SearchResults.read(r, found);
            } catch (TooManyUids e) {
                throw new ImapException.ServerMisbehaved("UID SEARCH in " + name + " failed: "
                        + connection.guard().server() + " answered with more UIDs than the " + exists()
                        + " messages the mailbox holds", null);
            }
        };
        boolean charset = utf8 || program.stream().anyMatch(a -> a instanceof SearchArg.Str s && !isAscii(s.value()));
        boolean esearch = connection.hasCapability("ESEARCH");
        String verb = "UID SEARCH" + (esearch ? " RETURN (ALL)" : "")
                + (charset && !utf8Accepted ? " CHARSET UTF-8" : "");
        return new SearchCommand(verb, SearchArguments.of(program), handler);
    }

    private void uidSearch(List<SearchArg> program, boolean utf8, UidRangeSink sink) throws ImapException {
        SearchCommand[] c = {null};
        runWith("UID SEARCH", p -> (c[0] = searchCommand(program, utf8, sink, p.supportsUtf8())).verb(),
                p -> c[0].args(), r -> c[0].handler().handle(r));
    }

    /** A search answer past {@link #SEARCH_SLACK} more UIDs than the mailbox holds. */
    private static final class TooManyUids extends RuntimeException {
        TooManyUids() {
            super(null, null, false, false);
        }
    }

    /**
     * A UID past 32 bits, or more flags on one message than {@link ServerLimits#maxKeywords()}: the
     * server is not to be believed about this mailbox.
     */
    private void checkUidAndFlags(String verb, UID uid, FLAGS flags) throws ImapException {
        String server = connection.guard().server();
        if (uid != null && (uid.uid < 1 || uid.uid > ServerLimits.MAX_UID)) {
            throw new ImapException.ServerMisbehaved(verb + " in " + name + " failed: " + server + " sent UID "
                    + uid.uid + " (UIDs are 1 to " + ServerLimits.MAX_UID + ")", null);
        }
        int limit = connection.guard().limits().maxKeywords();
        if (flags != null) {
            int n = flags.getSystemFlags().length + flags.getUserFlags().length;
            if (n > limit) {
                throw new ImapException.ServerMisbehaved(String.format(java.util.Locale.ROOT,
                        "%s in %s failed: %s sent %,d flags for UID %s (limit %,d)", verb, name, server, n,
                        uid == null ? "?" : Long.toString(uid.uid), limit), null);
            }
        }
    }

    /**
     * The named header fields of each message, unfolded and RFC 2047-decoded; a message that is gone
     * is absent from the result, an absent field maps to an empty list.
     */
    public Map<Long, Map<String, List<String>>> fetchHeaderFields(long[] uids, Collection<String> fields)
            throws ImapException {
        Map<Long, Map<String, List<String>>> result = new HashMap<>();
        fetchHeaderFields(uids, fields, (values, uid) -> result.put(uid, values));
        return result;
    }

    /**
     * The same, handed to {@code consumer} message by message as the answers arrive, so that the
     * caller keeps only what it needs of tens of thousands of messages' fields.
     */
    public void fetchHeaderFields(long[] uids, Collection<String> fields,
                                  ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException {
        Set<String> names = new LinkedHashSet<>(fields);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no header field named");
        }
        for (String field : names) {
            if (!FIELD_NAME.matcher(field).matches()) {
                throw new IllegalArgumentException("not a header field name: '" + field + "'");
            }
        }
        String suffix = " (UID BODY.PEEK[HEADER.FIELDS (" + String.join(" ", names) + ")])";
        Wire.Handler handler = r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                BODY body = f.getItem(BODY.class);
                if (uid != null && body != null) {
                    ByteArray bytes = body.getByteArray();
                    consumer.accept(bytes == null ? HeaderFields.parse(new byte[0], 0, 0, names)
                            : HeaderFields.parse(bytes.getBytes(), bytes.getStart(), bytes.getCount(), names), uid.uid);
                    return true;
                }
            }
            return false;
        };
        List<String> pieces = UidSets.split(uids, Wire.setBudget("UID FETCH ", suffix));
        if (pieces.size() < 2) {
            for (String piece : pieces) {
                run("UID FETCH", "UID FETCH " + piece + suffix, null, handler);
            }
            return;
        }
        // The pieces in one flight: every answer names its UID, and one handler takes them all
        connection.counter().increment("UID FETCH", pieces.size());
        List<Wire.Pipelined> flight = pieces.stream().map(piece -> "UID FETCH " + piece + suffix)
                .map(command -> new Wire.Pipelined(command, null, handler, command.length() + 24, false))
                .toList();
        for (Response tagged : pipelined("UID FETCH", flight)) {
            if (!tagged.isOK()) {
                throw refusal("UID FETCH", tagged);
            }
        }
    }

    /** Message-ID of each message (for audit lines); messages without one are absent. */
    public Map<Long, String> fetchMessageIds(long[] uids) throws ImapException {
        Map<Long, String> ids = new HashMap<>();
        fetchHeaderFields(uids, List.of("Message-ID")).forEach((uid, fields) -> {
            List<String> values = fields.get("Message-ID");
            if (!values.isEmpty()) {
                ids.put(uid, values.get(0));
            }
        });
        return ids;
    }

    /** Streams whole messages ({@code BODY.PEEK[]}, so {@code \Seen} is not set) one at a time. */
    public void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException {
        String suffix = " (UID FLAGS INTERNALDATE BODY.PEEK[])";
        forEachPiece(uids, "UID FETCH ", suffix, piece -> run("UID FETCH", "UID FETCH " + piece + suffix, null, r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                BODY body = f.getItem(BODY.class);
                FLAGS flags = f.getItem(FLAGS.class);
                INTERNALDATE date = f.getItem(INTERNALDATE.class);
                if (uid != null && body != null) {
                    ByteArray bytes = body.getByteArray();
                    consumer.accept(new RawConsumer.RawMessage(uid.uid,
                            flags == null ? List.of() : FlagNames.of(flags, false),
                            date == null ? 0 : date.getDate().getTime(),
                            bytes == null ? new byte[0] : bytes.getNewBytes()));
                    return true;
                }
            }
            return false;
        }));
    }

    /**
     * {@code UID STORE <set> +FLAGS.SILENT / -FLAGS.SILENT / FLAGS.SILENT (flags)}; any untagged FETCH
     * the server sends anyway (Cyrus before 3.10) is accepted and dropped. With {@link
     * #conditionalStores()} the store carries {@code (UNCHANGEDSINCE m)} and leaves alone every
     * message another client changed since this session read it.
     *
     * @return the UIDs left alone because another client changed them (always empty without CONDSTORE)
     */
    public long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException {
        requireWritable("UID STORE");
        if (guards == null) {
            String suffix = " " + mode.item() + " " + FlagNames.list(flags);
            forEachPiece(uids, "UID STORE ", suffix,
                    piece -> run("UID STORE", "UID STORE " + piece + suffix, null, r -> r instanceof FetchResponse));
            return new long[0];
        }
        LongStream.Builder refused = LongStream.builder();
        for (long uid : uids) {
            if (guards.changedByOthers(uid)) {
                refused.add(uid);
            }
        }
        for (Map.Entry<Long, long[]> group : guards.byGuard(uids).entrySet()) {
            String suffix = " (UNCHANGEDSINCE " + group.getKey() + ") " + mode.item() + " " + FlagNames.list(flags);
            List<String> names = List.copyOf(flags);
            forEachPiece(group.getValue(), "UID STORE ", suffix,
                    piece -> conditionalStore(piece, suffix, mode, names, refused));
        }
        // a FETCH for a message outside the command (another client's change reported in passing) is
        // the guards' business, not a refusal of this store
        return onlyAmong(UidSets.sortedDistinct(refused.build().toArray()), uids);
    }

    private static long[] onlyAmong(long[] sortedRefused, long[] asked) {
        long[] sortedAsked = asked.clone();
        java.util.Arrays.sort(sortedAsked);
        return LongStream.of(sortedRefused).filter(uid -> java.util.Arrays.binarySearch(sortedAsked, uid) >= 0)
                .toArray();
    }

    /** One {@code UID STORE} of a batch: these UIDs, this form, these flags. */
    public record StoreRequest(long[] uids, StoreMode mode, Collection<String> flags) {
    }

    /**
     * What a batch of stores left undone. {@code leftAlone}: messages another client changed since
     * this session read them (CONDSTORE), as {@link #store} returns them; {@code refused}: the UIDs of
     * the commands the server answered NO or BAD, with the first such answer in {@code failure}.
     */
    public record StoreOutcome(long[] leftAlone, long[] refused, java.util.Optional<ImapException> failure,
                               long[] expunged, java.util.Optional<ImapException> expungeFailure) {
        /** True when the {@code UID EXPUNGE} asked for went in the stores' last flight. */
        public boolean expungeSent() {
            return expunged != null;
        }
    }

    public StoreOutcome storeAll(List<StoreRequest> requests) throws ImapException {
        return storeAll(requests, null);
    }

    /**
     * The stores, in order, pipelined (RFC 9051 section 5.5): each flight goes out without waiting
     * for the answers of the commands in it. A message is never in two stores of one flight: its
     * later store waits for the next flight, so the server applies its changes in the plan's order
     * and, with CONDSTORE, the later store's {@code UNCHANGEDSINCE} is the mod-sequence the earlier
     * one reported. A message left alone or refused in a flight is left out of every later one, as
     * the stores one at a time would leave it. So a batch costs as many round trips as the most
     * stores any one message is in, not one per command.
     */
    public StoreOutcome storeAll(List<StoreRequest> requests, long[] expungeAfter) throws ImapException {
        requireWritable("UID STORE");
        boolean expunge = expungeAfter != null && expungeAfter.length > 0 && guards != null
                && connection.hasCapability("UIDPLUS");
        UidRanges expunged = expunge ? new UidRanges() : null;
        UidRanges expungedInFlight = new UidRanges();
        Response[] expungeAnswer = {null};
        ExpungeWatch[] expungeWatch = {null};
        int expungePieces = 0;
        long[] expungeSent = null;
        java.util.Set<Long> leftAlone = new java.util.HashSet<>();
        java.util.Set<Long> refused = new java.util.HashSet<>();
        ImapException[] failure = {null};
        long[][] pending = new long[requests.size()][];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = requests.get(i).uids();
        }
        while (java.util.Arrays.stream(pending).anyMatch(u -> u.length > 0)) {
            requireWritable("UID STORE");
            java.util.Set<Long> inFlight = new java.util.HashSet<>();
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            List<java.util.function.Consumer<Response>> done = new java.util.ArrayList<>();
            for (int i = 0; i < pending.length; i++) {
                StoreRequest request = requests.get(i);
                LongStream.Builder now = LongStream.builder();
                LongStream.Builder later = LongStream.builder();
                for (long uid : pending[i]) {
                    if (leftAlone.contains(uid) || refused.contains(uid)) {
                        continue;
                    }
                    if (guards != null && guards.changedByOthers(uid)) {
                        leftAlone.add(uid);
                    } else if (guards != null && !inFlight.add(uid)) {
                        later.add(uid);
                    } else {
                        now.add(uid);
                    }
                }
                pending[i] = later.build().toArray();
                addStores(now.build().toArray(), request, flight, done, leftAlone, refused, failure);
            }
            if (flight.isEmpty()) {
                continue;
            }
            if (expunge && java.util.Arrays.stream(pending).allMatch(u -> u.length == 0)) {
                // The last flight carries the UID EXPUNGE too (docs/adr/0011): it removes only these
                // UIDs, and only those that have \Deleted when it runs, after the stores before it.
                long[] toExpunge = LongStream.of(expungeAfter).filter(u -> !leftAlone.contains(u) && !refused.contains(u))
                        .toArray();
                expungeSent = toExpunge;
                List<String> pieces = UidSets.split(toExpunge, Wire.setBudget("UID EXPUNGE ", ""));
                if (pieces.size() > 1 && qresync) {
                    // every piece in the flight: VANISHED names the UIDs, whichever piece it answers
                    for (String piece : pieces) {
                        connection.counter().increment("UID EXPUNGE");
                        String command = "UID EXPUNGE " + piece;
                        flight.add(new Wire.Pipelined(command, null, r -> {
                            if (Vanished.is(r)) {
                                Vanished.read(r, expungedInFlight);
                            }
                            return false;
                        }, command.length() + 24, false, Vanished::is));
                        done.add(tagged -> {
                            if (expungeAnswer[0] == null || !tagged.isOK()) {
                                expungeAnswer[0] = tagged;
                            }
                        });
                    }
                    expungeWatch[0] = null;
                    expungePieces = pieces.size();
                } else if (pieces.size() == 1) {
                    ExpungeWatch watch = new ExpungeWatch(pieces.get(0));
                    expungeWatch[0] = watch;
                    expungePieces = 1;
                    connection.counter().increment("UID EXPUNGE");
                    String command = "UID EXPUNGE " + pieces.get(0);
                    flight.add(new Wire.Pipelined(command, null, watch::take, command.length() + 24, false,
                            r -> Vanished.is(r) || r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")));
                    done.add(tagged -> expungeAnswer[0] = tagged);
                } else {
                    expunge = false;  // a set past one line: sent after the stores, as before
                    expunged = null;
                }
            }
            connection.counter().increment("UID STORE", flight.size() - expungePieces);
            boolean[] answered = new boolean[flight.size()];
            try {
                pipelined("UID STORE", p -> flight, (i, tagged) -> {
                    answered[i] = true;
                    done.get(i).accept(tagged);
                });
            } catch (ImapException e) {
                // What the server did not acknowledge: the stores without an answer, those of later
                // flights, and what was left alone or refused so far.
                java.util.Set<Long> unfinished = new java.util.HashSet<>(leftAlone);
                unfinished.addAll(refused);
                for (int i = 0; i < flight.size(); i++) {
                    if (!answered[i] && flight.get(i).command().startsWith("UID STORE ")) {
                        String line = flight.get(i).command();
                        String set = line.substring("UID STORE ".length(), line.indexOf(' ', "UID STORE ".length()));
                        LongStream.of(UidSets.parse(set)).forEach(unfinished::add);
                    }
                }
                for (long[] later : pending) {
                    LongStream.of(later).forEach(unfinished::add);
                }
                throw new StoresInterrupted(e, UidSets.sortedDistinct(unfinished.stream().mapToLong(Long::longValue)
                        .toArray()));
            }
        }
        ImapException expungeFailure = null;
        if (expungeAnswer[0] != null) {
            if (expungeAnswer[0].isOK()) {
                ownExpungeDone(expungeAnswer[0]);
                if (expungeWatch[0] != null) {
                    expungeWatch[0].addTo(expunged);
                } else {
                    UidRanges sent = new UidRanges();
                    for (long uid : expungeSent) {
                        sent.range(uid, uid);
                    }
                    intersect(sent.toArray(), expungedInFlight.toArray(), expunged);
                }
                // A message whose \Deleted store was refused but that had \Deleted all the same (another
                // client's) was expunged: it is gone, no longer left alone.
                long[] ranges = expunged.toArray();
                for (int r = 0; r < ranges.length; r += 2) {
                    for (long uid = ranges[r]; uid <= ranges[r + 1]; uid++) {
                        leftAlone.remove(uid);
                        refused.remove(uid);
                    }
                }
            } else {
                expungeFailure = refusal("UID EXPUNGE", expungeAnswer[0]);
            }
        }
        return new StoreOutcome(UidSets.sortedDistinct(leftAlone.stream().mapToLong(Long::longValue).toArray()),
                UidSets.sortedDistinct(refused.stream().mapToLong(Long::longValue).toArray()),
                java.util.Optional.ofNullable(failure[0]),
                expungeAnswer[0] == null ? null : expungeAnswer[0].isOK() ? expunged.toArray() : new long[0],
                java.util.Optional.ofNullable(expungeFailure));
    }

    /**
     * A batch of stores that ended part-way (the connection was lost): {@code unfinished} are the
     * UIDs of the batch the server did not acknowledge every store of; the rest were all stored.
     */
    public static final class StoresInterrupted extends ImapException {
        private final long[] unfinished;

        StoresInterrupted(ImapException cause, long[] unfinished) {
            super(cause.getMessage(), cause.serverResponse(), cause);
            this.unfinished = unfinished;
        }

        public long[] unfinished() {
            return unfinished;
        }
    }

    /** The commands of one request's UIDs in this flight, and what to do with each answer. */
    private void addStores(long[] uids, StoreRequest request, List<Wire.Pipelined> flight,
                           List<java.util.function.Consumer<Response>> done, java.util.Set<Long> leftAlone,
                           java.util.Set<Long> refused, ImapException[] failure) {
        if (uids.length == 0) {
            return;
        }
        List<String> names = List.copyOf(request.flags());
        StoreMode mode = request.mode();
        Map<Long, long[]> groups = guards == null ? Map.of(0L, uids) : guards.byGuard(uids);
        for (Map.Entry<Long, long[]> group : groups.entrySet()) {
            String suffix = (guards == null ? "" : " (UNCHANGEDSINCE " + group.getKey() + ")") + " " + mode.item()
                    + " " + FlagNames.list(names);
            for (String piece : UidSets.split(group.getValue(), Wire.setBudget("UID STORE ", suffix))) {
                String command = "UID STORE " + piece + suffix;
                GuardedStoreReplies replies = guards == null ? null : new GuardedStoreReplies(piece, mode, names);
                flight.add(new Wire.Pipelined(command, null, replies == null ? r -> r instanceof FetchResponse
                        : replies::take, command.length() + 24, false, replies == null ? r -> false
                        : replies::concerns));
                done.add(tagged -> {
                    if (!tagged.isOK()) {
                        LongStream.of(UidSets.parse(piece)).forEach(refused::add);
                        if (failure[0] == null) {
                            failure[0] = refusal("UID STORE", tagged);
                        }
                        return;
                    }
                    if (replies != null) {
                        GuardedStoreReplies.Outcome outcome = replies.finish(tagged.getRest());
                        long[] notOurs = outcome.leftAlone();
                        if (notOurs.length > 0) {
                            LOG.info("{}: {} changed by another client since read; left alone (RFC 7162"
                                    + " UNCHANGEDSINCE)", name, UidSets.split(notOurs, Integer.MAX_VALUE));
                        }
                        guards.stored(outcome.changed(), outcome.modSeqs(), notOurs);
                        LongStream.of(notOurs).forEach(leftAlone::add);
                    }
                });
            }
        }
    }

    /** A NO or BAD answer to one pipelined command, worded as for a command sent alone. */
    private ImapException refusal(String verb, Response tagged) {
        org.eclipse.angus.mail.iap.ProtocolException e = tagged.isBAD()
                ? new org.eclipse.angus.mail.iap.BadCommandException(tagged)
                : new org.eclipse.angus.mail.iap.CommandFailedException(tagged);
        return Failures.of(e, verb + " in " + name, connection.guard());
    }

    /** Builds commands with the protocol at hand (their arguments depend on it) and sends nothing. */
    private void pipelinedNothing(java.util.function.Consumer<IMAPProtocol> use) throws ImapException {
        try {
            folder.doCommand(p -> {
                use.accept(p);
                return null;
            });
        } catch (MessagingException e) {
            throw Failures.of(e, "UID MOVE in " + name, connection.guard());
        }
    }

    private List<Response> pipelined(String verb, List<Wire.Pipelined> flight) throws ImapException {
        return pipelined(verb, p -> flight);
    }

    /** Sends the flight pipelined; returns the tagged answers in order. */
    @SuppressWarnings("unchecked")
    private List<Response> pipelined(String verb, Function<IMAPProtocol, List<Wire.Pipelined>> flight)
            throws ImapException {
        return pipelined(verb, flight, (i, r) -> { });
    }

    @SuppressWarnings("unchecked")
    private List<Response> pipelined(String verb, Function<IMAPProtocol, List<Wire.Pipelined>> flight,
                                     Wire.Answered each) throws ImapException {
        reportsBeforeCommand = expungeReports;
        try {
            return (List<Response>) folder.doCommand(p -> Wire.pipeline(p, flight.apply(p), this::observe, each));
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " in " + name, connection.guard());
        } catch (RuntimeException e) {
            throw ImapConnection.unreadable(verb + " in " + name, e, connection.guard());
        }
    }

    /**
     * One {@code UID STORE ... (UNCHANGEDSINCE m)}: the server changes only messages whose
     * mod-sequence is still at most m and names the others in {@code [MODIFIED set]}; see {@link
     * GuardedStoreReplies} for how the untagged FETCHes are read (RFC 7162 section 3.1.3).
     */
    private void conditionalStore(String piece, String suffix, StoreMode mode, List<String> flags,
                                  LongStream.Builder refused) throws ImapException {
        GuardedStoreReplies replies = new GuardedStoreReplies(piece, mode, flags);
        Response tagged = runWith("UID STORE", p -> "UID STORE " + piece + suffix, p -> null, replies::take);
        GuardedStoreReplies.Outcome outcome = replies.finish(tagged.getRest());
        long[] notOurs = outcome.leftAlone();
        if (notOurs.length > 0) {
            LOG.info("{}: {} changed by another client since read; left alone (RFC 7162 UNCHANGEDSINCE)", name,
                    UidSets.split(notOurs, Integer.MAX_VALUE));
        }
        guards.stored(outcome.changed(), outcome.modSeqs(), notOurs);
        LongStream.of(notOurs).forEach(refused::add);
    }

    /**
     * {@code UID COPY} (RFC 3501 section 6.4.7) to a mailbox named in UTF-8 with {@code /}.
     *
     * @return where the copies went, when the server has UIDPLUS (RFC 4315); else empty
     */
    public CopiedUids copy(long[] uids, String mailbox) throws ImapException {
        CopiedUids[] copied = {CopiedUids.NONE};
        transfer("UID COPY", uids, mailbox, tagged -> copied[0] = copied[0].plus(copyUid(tagged)));
        return copied[0];
    }

    private static CopiedUids copyUid(Response tagged) {
        Matcher m = COPYUID_CODE.matcher(tagged.toString());
        if (!m.find()) {
            return CopiedUids.NONE;
        }
        long[] source = UIDSet.toArray(UIDSet.parseUIDSets(m.group(2)));
        long[] target = UIDSet.toArray(UIDSet.parseUIDSets(m.group(3)));
        return source.length == target.length ? new CopiedUids(Long.parseLong(m.group(1)), source, target)
                : CopiedUids.NONE;
    }

    /**
     * {@code UID MOVE} (RFC 6851); needs the MOVE extension.
     *
     * @return what the server reported: the UIDs gone from this mailbox, and where they went (the
     *         {@code COPYUID} of an untagged or the tagged OK, RFC 6851 section 4.3, with UIDPLUS)
     */
    public Moved move(long[] uids, String mailbox) throws ImapException {
        if (!connection.hasCapability("MOVE")) {
            throw new ImapException.MissingCapability("MOVE", connection.description()
                    + " does not support MOVE (RFC 6851)");
        }
        UidRanges gone = new UidRanges();
        CopiedUids[] copied = {CopiedUids.NONE};
        transfer("UID MOVE", uids, mailbox, (piece, run) -> {
            ExpungeWatch watch = new ExpungeWatch(piece);
            Response tagged = run.apply(r -> {
                if (r.isUnTagged() && r.isOK()) {
                    copied[0] = copied[0].plus(copyUid(r));
                }
                return watch.take(r);
            });
            copied[0] = copied[0].plus(copyUid(tagged));
            ownExpungeDone(tagged);
            watch.addTo(gone);
        });
        return new Moved(gone.toArray(), copied[0]);
    }

    /** One {@code UID COPY} or {@code UID MOVE} of a flight. */
    public record TransferRequest(long[] uids, String mailbox, boolean move) {
    }

    /**
     * What the server did with one {@link TransferRequest}: where the copies went and (a move) the UIDs
     * gone from this mailbox; or its refusal, and whether the refusal said {@code [TRYCREATE]}
     * (RFC 3501 section 6.4.7: the destination does not exist; a refused COPY or MOVE did nothing).
     */
    public record TransferOutcome(Moved done, long[] refusedUids, java.util.Optional<ImapException> refusal,
                                  boolean tryCreate) {
    }

    /**
     * The copies and moves in one flight (RFC 9051 section 5.5), in order; {@code createFirst}: the
     * mailboxes to CREATE and SUBSCRIBE in front of them in the same flight (a destination known to be
     * missing). The caller sends no message in two of them: each one's outcome does not depend on the
     * others'. A refusal does not stop the rest (they were sent with it).
     */
    public List<TransferOutcome> transferAll(List<TransferRequest> requests, Collection<String> createFirst)
            throws ImapException {
        for (TransferRequest r : requests) {
            requireWritable(r.move() ? "UID MOVE" : "UID COPY");
            if (r.move() && !connection.hasCapability("MOVE")) {
                throw new ImapException.MissingCapability("MOVE", connection.description()
                        + " does not support MOVE (RFC 6851)");
            }
        }
        List<String> creates = new java.util.ArrayList<>();
        for (String mailbox : createFirst) {
            creates.add(MailboxNames.encode(connection.serverName(mailbox)));
        }
        List<String> wires = new java.util.ArrayList<>();
        for (TransferRequest r : requests) {
            wires.add(MailboxNames.encode(connection.serverName(r.mailbox())));
        }
        boolean literalPlus = connection.hasCapability("LITERAL+");
        List<Integer> requestOf = new java.util.ArrayList<>();
        List<String> pieces = new java.util.ArrayList<>();
        List<ExpungeWatch> watches = new java.util.ArrayList<>();
        List<CopiedUids[]> untaggedCopied = new java.util.ArrayList<>();
        // With QRESYNC every expunge names its UIDs (VANISHED); Dovecot may answer pipelined MOVEs with
        // one VANISHED for several of them, so each MOVE takes its own UIDs from all the flight's
        UidRanges vanishedInFlight = new UidRanges();
        boolean byUid = qresync;
        Function<IMAPProtocol, List<Wire.Pipelined>> build = p -> {
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            for (int c = 0; c < creates.size(); c++) {
                String wire = creates.get(c);
                boolean literal = !literalPlus && (p.supportsUtf8() || !isAscii(wire));
                for (String verb : List.of("CREATE", "SUBSCRIBE")) {
                    connection.counter().increment(verb);
                    flight.add(new Wire.Pipelined(verb, ImapConnection.mailboxArgument(p, wire), r -> false,
                            wire.length() * 4 + 40, literal));
                    requestOf.add(-1 - c);
                    pieces.add(null);
                    watches.add(null);
                    untaggedCopied.add(null);
                }
            }
            for (int i = 0; i < requests.size(); i++) {
                TransferRequest r = requests.get(i);
                String verb = r.move() ? "UID MOVE" : "UID COPY";
                String wire = wires.get(i);
                String room = " " + wire + "\"\"" + "\\".repeat(countQuoted(wire));
                boolean literal = !literalPlus && (p.supportsUtf8() || !isAscii(wire));
                for (String piece : UidSets.split(r.uids(), Wire.setBudget(verb + " ", room))) {
                    connection.counter().increment(verb);
                    ExpungeWatch watch = r.move() ? new ExpungeWatch(piece) : null;
                    CopiedUids[] copied = {CopiedUids.NONE};
                    Wire.Handler handler = watch == null ? x -> false : x -> {
                        if (x.isUnTagged() && x.isOK()) {
                            copied[0] = copied[0].plus(copyUid(x));
                        }
                        if (byUid && Vanished.is(x)) {
                            Vanished.read(x, vanishedInFlight);
                        }
                        return watch.take(x);
                    };
                    flight.add(new Wire.Pipelined(verb + " " + piece, ImapConnection.mailboxArgument(p, wire), handler,
                            verb.length() + piece.length() + wire.length() * 4 + 40, literal,
                            watch == null ? x -> false : x -> namesAnyOf(x, piece)));
                    requestOf.add(i);
                    pieces.add(piece);
                    watches.add(watch);
                    untaggedCopied.add(copied);
                }
            }
            return flight;
        };
        List<Response> answers;
        if (byUid || requests.stream().noneMatch(TransferRequest::move)) {
            answers = pipelined("UID MOVE", build, (i, tagged) -> { });
        } else {
            // EXPUNGE responses name sequence numbers, which cannot tell the commands of a flight apart:
            // one command at a time
            answers = new java.util.ArrayList<>();
            List<Wire.Pipelined>[] all = new List[1];
            pipelinedNothing(p -> all[0] = build.apply(p));
            for (Wire.Pipelined one : all[0]) {
                answers.addAll(pipelined("UID MOVE", List.of(one)));
            }
        }
        List<TransferOutcome> out = new java.util.ArrayList<>();
        ImapException createRefused = null;
        for (int i = 0; i < answers.size() && requestOf.get(i) < 0; i++) {
            Response tagged = answers.get(i);
            if (!tagged.isOK() && !tagged.toString().toUpperCase(java.util.Locale.ROOT).contains("ALREADYEXISTS")
                    && createRefused == null && i % 2 == 0) {
                createRefused = refusal("CREATE", tagged);
            }
        }
        for (int r = 0; r < requests.size(); r++) {
            UidRanges gone = new UidRanges();
            CopiedUids copied = CopiedUids.NONE;
            ImapException refused = null;
            boolean tryCreate = false;
            LongStream.Builder refusedUids = LongStream.builder();
            for (int i = 0; i < answers.size(); i++) {
                if (requestOf.get(i) != r) {
                    continue;
                }
                Response tagged = answers.get(i);
                if (!tagged.isOK()) {
                    LongStream.of(UidSets.parse(pieces.get(i))).forEach(refusedUids::add);
                    if (refused == null) {
                        refused = createRefused != null && createFirst.contains(requests.get(r).mailbox())
                                ? createRefused : refusal(requests.get(r).move() ? "UID MOVE" : "UID COPY", tagged);
                        tryCreate = tagged.toString().toUpperCase(java.util.Locale.ROOT).contains("[TRYCREATE]");
                    }
                    continue;
                }
                copied = copied.plus(untaggedCopied.get(i)[0]).plus(copyUid(tagged));
                if (watches.get(i) != null) {
                    ownExpungeDone(tagged);
                    if (byUid) {
                        intersect(UidSets.parseRanges(pieces.get(i)), vanishedInFlight.toArray(), gone);
                    } else {
                        watches.get(i).addTo(gone);
                    }
                }
            }
            out.add(new TransferOutcome(new Moved(gone.toArray(), copied),
                    UidSets.sortedDistinct(refusedUids.build().toArray()), java.util.Optional.ofNullable(refused),
                    tryCreate));
        }
        return out;
    }

    /**
     * Whether a MOVE's untagged answer ({@code VANISHED}, or {@code OK [COPYUID ...]}) names a UID of
     * {@code piece}: Dovecot answers pipelined MOVEs interleaved, so the answers are matched by UID (no
     * message is in two commands of a flight), not by order.
     */
    private static boolean namesAnyOf(Response r, String piece) {
        long[] sent = UidSets.parseRanges(piece);
        UidRanges named = new UidRanges();
        if (Vanished.is(r)) {
            Vanished.read(r, named);
        } else if (r.isUnTagged() && r.isOK()) {
            CopiedUids c = copyUid(r);
            for (long uid : c.source()) {
                named.range(uid, uid);
            }
        } else {
            return false;
        }
        UidRanges both = new UidRanges();
        intersect(sent, named.toArray(), both);
        return both.toArray().length > 0;
    }

    /**
     * The {@code UNCHANGEDSINCE} value (RFC 7162) that protects the message's present state as this
     * session knows it: any later change by another client gets a higher mod-sequence. 0 without
     * conditional stores.
     */
    public long unchangedSinceGuard(long uid) {
        return guards == null ? 0 : guards.guardOf(uid);
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
        requireWritable("UID STORE");
        if (guards == null) {
            throw new IllegalStateException(name + " has no conditional stores (CONDSTORE)");
        }
        LongStream.Builder refused = LongStream.builder();
        List<String> names = List.copyOf(flags);
        String suffix = " (UNCHANGEDSINCE " + modSeq + ") " + mode.item() + " " + FlagNames.list(names);
        forEachPiece(uids, "UID STORE ", suffix, piece -> conditionalStore(piece, suffix, mode, names, refused));
        return UidSets.sortedDistinct(refused.build().toArray());
    }

    /**
     * {@code UID EXPUNGE} (RFC 4315 section 2.1): removes only these UIDs, never another client's
     * {@code \Deleted} messages. Without UIDPLUS nothing is sent and this throws.
     *
     * @return the UIDs the server reported expunged, as ascending (first, last) pairs
     */
    public long[] uidExpunge(long[] uids) throws ImapException {
        if (!connection.hasCapability("UIDPLUS")) {
            throw new ImapException.MissingCapability("UIDPLUS", connection.description()
                    + " does not support UIDPLUS (RFC 4315), so UID EXPUNGE is impossible; nothing was expunged");
        }
        requireWritable("UID EXPUNGE");
        UidRanges expunged = new UidRanges();
        forEachPiece(uids, "UID EXPUNGE ", "", piece -> {
            ExpungeWatch watch = new ExpungeWatch(piece);
            ownExpungeDone(runWith("UID EXPUNGE", p -> "UID EXPUNGE " + piece, p -> null, watch::take));
            watch.addTo(expunged);
        });
        return expunged.toArray();
    }

    /**
     * A mailbox-wide {@code EXPUNGE}: removes every {@code \Deleted} message, other clients' too.
     * Only for servers without UIDPLUS when the user allowed it (safety.expunge_without_uidplus).
     */
    public void expungeAll() throws ImapException {
        requireWritable("EXPUNGE");
        ownExpungeDone(runWith("EXPUNGE", p -> "EXPUNGE", p -> null, r -> false));
    }

    /** Which of these UIDs still exist ({@code UID SEARCH UID set}), ascending. */
    public long[] stillPresent(long[] uids) throws ImapException {
        LongStream.Builder present = LongStream.builder();
        forEachPiece(uids, "UID SEARCH UID ", "", piece -> {
            for (long uid : uidSearch(List.of(new SearchArg.Atom("UID"), new SearchArg.Atom(piece)), false)) {
                present.add(uid);
            }
        });
        return UidSets.sortedDistinct(present.build().toArray());
    }

    /**
     * What an expunging command's untagged responses say it removed of one piece of UIDs: with QRESYNC
     * the {@code VANISHED} UIDs themselves; else {@code EXPUNGE} responses, which name sequence numbers,
     * so as many as the piece has UIDs mean all of them, and fewer are resolved by asking which remain.
     */
    private final class ExpungeWatch {
        private final String piece;
        private final UidRanges vanished = new UidRanges();
        private boolean sawVanished;
        private long expungeResponses;

        ExpungeWatch(String piece) {
            this.piece = piece;
        }

        /** Never consumes: Angus and {@link #observe} must still count the messages out. */
        boolean take(Response r) {
            if (Vanished.is(r)) {
                sawVanished = true;
                Vanished.read(r, vanished);
            } else if (r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")) {
                expungeResponses++;
            }
            return false;
        }

        void addTo(UidRanges out) throws ImapException {
            long[] sent = UidSets.parseRanges(piece);
            long size = 0;
            for (int i = 0; i < sent.length; i += 2) {
                size += sent[i + 1] - sent[i] + 1;
            }
            if (sawVanished) {
                intersect(sent, vanished.toArray(), out);
            } else if (expungeResponses >= size) {
                for (int i = 0; i < sent.length; i += 2) {
                    out.range(sent[i], sent[i + 1]);
                }
            } else if (expungeResponses > 0) {
                long[] all = UidSets.parse(piece);
                long[] present = stillPresent(all);
                for (long uid : all) {
                    if (java.util.Arrays.binarySearch(present, uid) < 0) {
                        out.range(uid, uid);
                    }
                }
            }
        }
    }

    /** The UIDs in both sets of ascending (first, last) pairs. */
    private static void intersect(long[] a, long[] b, UidRanges out) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long first = Math.max(a[i], b[j]);
            long last = Math.min(a[i + 1], b[j + 1]);
            if (first <= last) {
                out.range(first, last);
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
    }

    /**
     * With QRESYNC the tagged OK of an expunging command names the new HIGHESTMODSEQ (RFC 7162
     * section 3.2.10), which the guards may count as this session's own change.
     */
    private void ownExpungeDone(Response tagged) {
        if (guards == null) {
            return;
        }
        Matcher m = HIGHESTMODSEQ_CODE.matcher(tagged.getRest());
        if (m.find()) {
            guards.expunged(Long.parseLong(m.group(1)), expungeReports > reportsBeforeCommand);
        }
    }

    /** True once the server reported a UIDVALIDITY other than the one at SELECT. */
    public boolean uidValidityChanged() {
        return uidValidityChanged;
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

    private void transfer(String verb, long[] uids, String mailbox, Consumer<Response> answered)
            throws ImapException {
        transfer(verb, uids, mailbox, (piece, run) -> answered.accept(run.apply(r -> false)));
    }

    /** Runs the command for one piece with the given handler; returns the tagged response. */
    private interface PieceRun {
        Response apply(Wire.Handler handler) throws ImapException;
    }

    private interface TransferPiece {
        void send(String piece, PieceRun run) throws ImapException;
    }

    private void transfer(String verb, long[] uids, String mailbox, TransferPiece each) throws ImapException {
        requireWritable(verb);
        String wire = MailboxNames.encode(connection.serverName(mailbox));
        String room = " " + wire + "\"\"" + "\\".repeat(countQuoted(wire));
        forEachPiece(uids, verb + " ", room, piece -> each.send(piece, handler -> runWith(verb,
                p -> verb + " " + piece, p -> ImapConnection.mailboxArgument(p, wire), handler)));
    }

    private void requireWritable(String verb) throws ImapException {
        if (readOnly) {
            throw new ImapException("refusing " + verb + " in " + name + ": the mailbox was opened read-only");
        }
        if (uidValidityChanged) {
            throw new ImapException.UidValidityChanged("refusing " + verb + " in " + name
                    + ": its UIDVALIDITY changed during the session, so the UIDs are no longer valid");
        }
    }

    private interface PieceCommand {
        void send(String piece) throws ImapException;
    }

    private static void forEachPiece(long[] uids, String prefix, String suffix, PieceCommand command)
            throws ImapException {
        for (String piece : UidSets.split(uids, Wire.setBudget(prefix, suffix))) {
            command.send(piece);
        }
    }

    private void run(String verb, String command, Argument args, Wire.Handler handler) throws ImapException {
        runWith(verb, p -> command, p -> args, handler);
    }

    /** Runs the command; returns its tagged OK response. */
    private Response runWith(String verb, Function<IMAPProtocol, String> command,
                             Function<IMAPProtocol, Argument> args, Wire.Handler handler) throws ImapException {
        connection.counter().increment(verb);
        reportsBeforeCommand = expungeReports;
        try {
            return (Response) folder.doCommand(p -> Wire.run(p, command.apply(p), args.apply(p), handler,
                    this::observe));
        } catch (MessagingException e) {
            throw Failures.of(e, verb + " in " + name, connection.guard());
        } catch (RuntimeException e) {
            throw ImapConnection.unreadable(verb + " in " + name, e, connection.guard());
        }
    }

    private void observe(Response r) {
        if (r instanceof IMAPResponse ir && ir.keyEquals("EXISTS")) {
            exists = ir.getNumber();
        } else if (r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")) {
            exists--;
            expungeReports++;
        } else if (Vanished.is(r)) {
            expungeReports++;
            try {
                exists -= (int) Vanished.expunged(r);
            } catch (IllegalArgumentException e) {
                LOG.debug("{}: unreadable VANISHED response ignored: {}", name, e.getMessage());
            }
        }
        if (!r.isUnTagged() || !r.isOK()) {
            return;
        }
        Matcher m = UIDVALIDITY_CODE.matcher(new Response(r).getRest());
        if (m.find() && Long.parseLong(m.group(1)) != uidValidity) {
            LOG.warn("UIDVALIDITY of {} changed from {} to {}; sending nothing more for it", name, uidValidity,
                    m.group(1));
            uidValidityChanged = true;
        }
    }

    private static int countQuoted(String s) {
        return (int) s.chars().filter(c -> c == '"' || c == '\\').count();
    }

    private static boolean isAscii(String s) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }

}
