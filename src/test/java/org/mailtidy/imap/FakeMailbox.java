package org.mailtidy.imap;

import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ObjLongConsumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * One mailbox of a {@link FakeImapSession}: messages in memory (UID, flags, Message-ID), changed by
 * the commands as a server would change them, each command recorded on the session. Searches
 * other than {@code ALL} are answered only as a test says ({@link #answer}); a fake that is asked
 * something it was not told fails the test rather than guess. No CONDSTORE: {@link #qresync()} is
 * false and {@link #highestModSeq()} 0, so the engine never asks for changes since a mod-sequence.
 */
public final class FakeMailbox implements MailboxSession {
    private static final long DATE = 1_700_000_000_000L;

    private final FakeImapSession session;
    private final String name;
    private final long uidValidity;
    private final TreeMap<Long, Message> messages = new TreeMap<>();
    private final Map<String, long[]> searchAnswers = new HashMap<>();
    private Set<String> permanentFlags = Set.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\*");
    private long nextUid = 1;
    private boolean readOnly;
    private boolean conditionalStores;
    private boolean uidValidityChanged;
    private String uidValidityChangesAfter;

    private static final class Message {
        final Set<String> flags;
        final String messageId;

        Message(Collection<String> flags, String messageId) {
            this.flags = new LinkedHashSet<>(flags);
            this.messageId = messageId;
        }
    }

    FakeMailbox(FakeImapSession session, String name, long uidValidity) {
        this.session = session;
        this.name = name;
        this.uidValidity = uidValidity;
    }

    /** Adds a message (as another client's APPEND would: no command recorded); returns its UID. */
    public long add(String messageId, String... flags) {
        long uid = nextUid++;
        messages.put(uid, new Message(List.of(flags), messageId));
        return uid;
    }

    /** Adds {@code n} messages without flags, Message-IDs {@code <1@test>}, ...; returns their UIDs. */
    public long[] add(int n) {
        long[] uids = new long[n];
        for (int i = 0; i < n; i++) {
            uids[i] = add("<" + nextUid + "@test>");
        }
        return uids;
    }

    /** The flags the message has now; empty for a message that is gone. */
    public Set<String> flagsOf(long uid) {
        Message m = messages.get(uid);
        return m == null ? Set.of() : Set.copyOf(m.flags);
    }

    public long[] uids() {
        return messages.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** The Message-IDs of the messages here, in UID order. */
    public List<String> messageIds() {
        return messages.values().stream().map(m -> m.messageId).toList();
    }

    /** The server's answer to {@code UID SEARCH <program>} (the program as the fake renders it). */
    public FakeMailbox answer(String program, long... uids) {
        searchAnswers.put(program, uids.clone());
        return this;
    }

    /** PERMANENTFLAGS at SELECT; without {@code \*} no keyword can be stored. */
    public FakeMailbox withPermanentFlags(String... flags) {
        permanentFlags = Set.of(flags);
        return this;
    }

    /**
     * Stores are conditional (as with CONDSTORE), so the engine sends each message in one store;
     * the recorded lines carry no {@code UNCHANGEDSINCE}, and a {@link FakeImapSession.Modified}
     * answer stands for the server's {@code [MODIFIED]}.
     */
    public FakeMailbox withConditionalStores() {
        conditionalStores = true;
        return this;
    }

    /** The server reports a new UIDVALIDITY right after the first command starting with {@code prefix}. */
    public FakeMailbox uidValidityChangesAfter(String prefix) {
        uidValidityChangesAfter = prefix;
        return this;
    }

    void selected(boolean readOnly) {
        this.readOnly = readOnly;
    }

    private Optional<FakeImapSession.Answer> send(String line) throws ImapException {
        Optional<FakeImapSession.Answer> answer = session.send(line);
        if (uidValidityChangesAfter != null && line.startsWith(uidValidityChangesAfter)) {
            uidValidityChanged = true;
            uidValidityChangesAfter = null;
        }
        return answer;
    }

    private void sendOrThrow(String line) throws ImapException {
        Optional<FakeImapSession.Answer> answer = send(line);
        if (answer.isPresent()) {
            throw session.failure(line, answer.get());
        }
    }

    private void requireWritable(String verb) throws ImapException {
        if (readOnly) {
            throw new ImapException("refusing " + verb + " in " + name + ": the mailbox was opened read-only");
        }
        if (uidValidityChanged) {
            throw new ImapException.UidValidityChanged("refusing " + verb + " in " + name
                    + ": its UIDVALIDITY changed during the session");
        }
    }

    static String set(long[] uids) {
        return uids.length == 0 ? "" : String.join(",", UidSets.split(uids, Integer.MAX_VALUE));
    }

    private long[] present(long[] uids) {
        return LongStream.of(UidSets.sortedDistinct(uids)).filter(messages::containsKey).toArray();
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
        return nextUid;
    }

    @Override
    public int exists() {
        return messages.size();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public Set<String> permanentFlags() {
        return permanentFlags;
    }

    @Override
    public boolean canStoreAnyKeyword() {
        return permanentFlags.contains("\\*");
    }

    @Override
    public boolean qresync() {
        return false;
    }

    @Override
    public long highestModSeq() {
        return 0;
    }

    @Override
    public boolean uidValidityChanged() {
        return uidValidityChanged;
    }

    @Override
    public MessageTable fetchTable(long fromUid) throws ImapException {
        sendOrThrow("UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)");
        MessageTableBuilder table = new MessageTableBuilder(16);
        messages.tailMap(fromUid).forEach((uid, m) -> table.add(uid, List.copyOf(m.flags), DATE + uid, 1000 + uid));
        return table.build();
    }

    @Override
    public void useTable(MessageTable table) {
    }

    @Override
    public FlagUpdates fetchFlagsChangedSince(long upToUid, long modSeq) {
        throw new UnsupportedOperationException("the fake has no CONDSTORE");
    }

    @Override
    public ChangesSince fetchChangesSince(long upToUid, long modSeq) {
        throw new UnsupportedOperationException("the fake has no QRESYNC");
    }

    @Override
    public long[] existingUidRanges(long upToUid) {
        throw new UnsupportedOperationException("the fake has no CONDSTORE");
    }

    /** The program as {@code UID SEARCH} would carry it: atoms as they are, strings quoted. */
    public static String render(List<SearchArg> program) {
        return program.stream().map(a -> a instanceof SearchArg.Str s ? "\"" + s.value() + "\""
                : ((SearchArg.Atom) a).text()).collect(Collectors.joining(" "));
    }

    @Override
    public BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException {
        String text = render(program);
        sendOrThrow("UID SEARCH " + (utf8 ? "CHARSET UTF-8 " : "") + text);
        long[] found;
        if (text.equals("ALL")) {
            found = uids();
        } else if (searchAnswers.containsKey(text)) {
            found = present(searchAnswers.get(text));
        } else {
            throw new IllegalStateException("the fake was not told what UID SEARCH " + text + " finds");
        }
        BitSet bits = new BitSet();
        for (long uid : found) {
            int i = java.util.Arrays.binarySearch(ascendingUids, uid);
            if (i >= 0) {
                bits.set(i);
            }
        }
        return bits;
    }

    @Override
    public List<BitSet> uidSearchAll(List<SearchRequest> requests, long[] ascendingUids)
            throws ImapException {
        List<BitSet> out = new ArrayList<>();
        for (SearchRequest r : requests) {
            out.add(uidSearch(r.program(), r.utf8(), ascendingUids));
        }
        return out;
    }

    @Override
    public void fetchHeaderFields(long[] uids, Collection<String> fields,
                                  ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException {
        sendOrThrow("UID FETCH " + set(uids) + " (UID BODY.PEEK[HEADER.FIELDS (" + String.join(" ", fields) + ")])");
        for (long uid : present(uids)) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            for (String field : fields) {
                String id = messages.get(uid).messageId;
                values.put(field, field.equalsIgnoreCase("Message-ID") && id != null ? List.of(id) : List.of());
            }
            consumer.accept(values, uid);
        }
    }

    @Override
    public Map<Long, String> fetchMessageIds(long[] uids) throws ImapException {
        Map<Long, String> ids = new HashMap<>();
        fetchHeaderFields(uids, List.of("Message-ID"), (fields, uid) -> {
            if (!fields.get("Message-ID").isEmpty()) {
                ids.put(uid, fields.get("Message-ID").get(0));
            }
        });
        return ids;
    }

    @Override
    public void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException {
        sendOrThrow("UID FETCH " + set(uids) + " (UID FLAGS INTERNALDATE BODY.PEEK[])");
        for (long uid : present(uids)) {
            Message m = messages.get(uid);
            byte[] content = ("Message-ID: " + m.messageId + "\r\n\r\nbody of " + uid + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                consumer.accept(new RawConsumer.RawMessage(uid, List.copyOf(m.flags), DATE + uid, content));
            } catch (IOException e) {
                throw new ImapException("saving message " + uid + ": " + e.getMessage(), null, e);
            }
        }
    }

    private static String storeLine(long[] uids, StoreMode mode, Collection<String> flags) {
        return "UID STORE " + set(uids) + " " + mode.item() + " " + FlagNames.list(flags);
    }

    private void apply(long[] uids, StoreMode mode, Collection<String> flags) {
        for (long uid : uids) {
            Message m = messages.get(uid);
            if (m == null) {
                continue;
            }
            if (mode == StoreMode.REPLACE) {
                m.flags.clear();
            }
            if (mode == StoreMode.REMOVE) {
                m.flags.removeAll(flags);
            } else {
                m.flags.addAll(flags);
            }
        }
    }

    private static long[] among(long[] some, long[] uids) {
        Set<Long> asked = LongStream.of(uids).boxed().collect(Collectors.toSet());
        return LongStream.of(some).filter(asked::contains).sorted().distinct().toArray();
    }

    @Override
    public long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException {
        requireWritable("UID STORE");
        String line = storeLine(uids, mode, flags);
        Optional<FakeImapSession.Answer> answer = send(line);
        long[] leftAlone = new long[0];
        if (answer.isPresent() && answer.get() instanceof FakeImapSession.Modified m) {
            leftAlone = among(m.uids(), uids);
        } else if (answer.isPresent()) {
            throw session.failure(line, answer.get());
        }
        Set<Long> skip = LongStream.of(leftAlone).boxed().collect(Collectors.toSet());
        apply(LongStream.of(uids).filter(u -> !skip.contains(u)).toArray(), mode, flags);
        return leftAlone;
    }

    /** The stores in order, one command each; a refused or left-alone message is left out of the later ones. */
    @Override
    public StoreOutcome storeAll(List<StoreRequest> requests) throws ImapException {
        requireWritable("UID STORE");
        Set<Long> leftAlone = new HashSet<>();
        Set<Long> refused = new HashSet<>();
        ImapException failure = null;
        for (int i = 0; i < requests.size(); i++) {
            StoreRequest r = requests.get(i);
            long[] uids = LongStream.of(r.uids()).filter(u -> !leftAlone.contains(u) && !refused.contains(u))
                    .toArray();
            if (uids.length == 0) {
                continue;
            }
            String line = storeLine(uids, r.mode(), r.flags());
            Optional<FakeImapSession.Answer> answer;
            try {
                answer = send(line);
                if (answer.isPresent() && answer.get() instanceof FakeImapSession.Lost) {
                    throw session.failure(line, answer.get());
                }
            } catch (ImapException e) {
                Set<Long> unfinished = new HashSet<>(leftAlone);
                unfinished.addAll(refused);
                for (StoreRequest later : requests.subList(i, requests.size())) {
                    LongStream.of(later.uids()).forEach(unfinished::add);
                }
                throw new StoresInterrupted(e, UidSets.sortedDistinct(
                        unfinished.stream().mapToLong(Long::longValue).toArray()));
            }
            if (answer.isPresent() && answer.get() instanceof FakeImapSession.Modified m) {
                long[] notOurs = among(m.uids(), uids);
                LongStream.of(notOurs).forEach(leftAlone::add);
                apply(LongStream.of(uids).filter(u -> !leftAlone.contains(u)).toArray(), r.mode(), r.flags());
            } else if (answer.isPresent()) {
                LongStream.of(uids).forEach(refused::add);
                if (failure == null) {
                    failure = session.failure(line, answer.get());
                }
            } else {
                apply(uids, r.mode(), r.flags());
            }
        }
        return new StoreOutcome(
                UidSets.sortedDistinct(leftAlone.stream().mapToLong(Long::longValue).toArray()),
                UidSets.sortedDistinct(refused.stream().mapToLong(Long::longValue).toArray()),
                Optional.ofNullable(failure), null, Optional.empty());
    }

    /** The fake has no CONDSTORE, so the engine never asks it for an expunge in the stores' flight. */
    @Override
    public StoreOutcome storeAll(List<StoreRequest> requests, long[] expungeAfter)
            throws ImapException {
        if (expungeAfter != null) {
            throw new UnsupportedOperationException("the fake's stores are unconditional: no expunge in their flight");
        }
        return storeAll(requests);
    }

    @Override
    public boolean conditionalStores() {
        return conditionalStores;
    }

    @Override
    public ChangesAndTable fetchChangesSinceAndTable(long upToUid, long modSeq) {
        throw new UnsupportedOperationException("the fake has no QRESYNC");
    }

    /** The flight's COPY/MOVEs one after another: a refusal (NO, BAD) is that command's outcome, as in a flight. */
    @Override
    public List<TransferOutcome> transferAll(List<TransferRequest> requests,
            java.util.Collection<String> createFirst) throws ImapException {
        for (String mailbox : createFirst) {
            session.create(mailbox);
        }
        List<TransferOutcome> outcomes = new java.util.ArrayList<>();
        for (TransferRequest r : requests) {
            try {
                Moved done = r.move() ? move(r.uids(), r.mailbox())
                        : new Moved(new long[0], copy(r.uids(), r.mailbox()));
                outcomes.add(new TransferOutcome(done, new long[0], Optional.empty(), false));
            } catch (ImapException.NoResponse | ImapException.BadResponse refusal) {
                boolean tryCreate = String.valueOf(refusal.serverResponse()).contains("[TRYCREATE]");
                outcomes.add(new TransferOutcome(new Moved(new long[0], CopiedUids.NONE), r.uids(), Optional.of(refusal), tryCreate));
            }
        }
        return outcomes;
    }

    private CopiedUids copyTo(FakeMailbox destination, long[] uids) {
        long[] source = present(uids);
        long[] target = new long[source.length];
        for (int i = 0; i < source.length; i++) {
            Message m = messages.get(source[i]);
            target[i] = destination.add(m.messageId, m.flags.toArray(String[]::new));
        }
        return session.hasCapability("UIDPLUS") && source.length > 0
                ? new CopiedUids(destination.uidValidity, source, target) : CopiedUids.NONE;
    }

    @Override
    public CopiedUids copy(long[] uids, String mailbox) throws ImapException {
        String line = "UID COPY " + set(uids) + " \"" + mailbox + "\"";
        sendOrThrow(line);
        return copyTo(session.destination(mailbox, line), uids);
    }

    @Override
    public Moved move(long[] uids, String mailbox) throws ImapException {
        if (!session.hasCapability("MOVE")) {
            throw new ImapException.MissingCapability("MOVE", "the fake has no MOVE");
        }
        String line = "UID MOVE " + set(uids) + " \"" + mailbox + "\"";
        sendOrThrow(line);
        FakeMailbox destination = session.destination(mailbox, line);
        long[] gone = present(uids);
        CopiedUids copied = copyTo(destination, gone);
        LongStream.of(gone).forEach(messages::remove);
        return new Moved(ranges(gone), copied);
    }

    private static long[] ranges(long[] ascending) {
        UidRanges out = new UidRanges();
        for (long uid : ascending) {
            out.range(uid, uid);
        }
        return out.toArray();
    }

    @Override
    public long unchangedSinceGuard(long uid) {
        return 0;
    }

    @Override
    public long[] uidExpunge(long[] uids) throws ImapException {
        if (!session.hasCapability("UIDPLUS")) {
            throw new ImapException.MissingCapability("UIDPLUS", "the fake has no UIDPLUS");
        }
        requireWritable("UID EXPUNGE");
        sendOrThrow("UID EXPUNGE " + set(uids));
        long[] gone = LongStream.of(present(uids)).filter(u -> messages.get(u).flags.contains("\\Deleted")).toArray();
        LongStream.of(gone).forEach(messages::remove);
        return ranges(gone);
    }

    @Override
    public void expungeAll() throws ImapException {
        requireWritable("EXPUNGE");
        sendOrThrow("EXPUNGE");
        messages.values().removeIf(m -> m.flags.contains("\\Deleted"));
    }

    @Override
    public long[] stillPresent(long[] uids) throws ImapException {
        sendOrThrow("UID SEARCH UID " + set(uids));
        return present(uids);
    }

    @Override
    public void close() {
    }
}
