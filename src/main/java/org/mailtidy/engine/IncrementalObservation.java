package org.mailtidy.engine;

import org.mailtidy.imap.ChangesAndTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mailtidy.engine.cache.MailboxCache;
import org.mailtidy.engine.cache.TableColumns;
import org.mailtidy.imap.ChangesSince;
import org.mailtidy.imap.FlagUpdates;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.RegexOutcomes;
import org.mailtidy.rules.SearchProgram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observation of a full mailbox run with the mailbox's cache (docs/performance.md, 6): where the server has
 * CONDSTORE (RFC 7162) and either QRESYNC or ESEARCH (RFC 4731), and a state directory is set, the
 * flag table and the results of searches that never change for a message are kept between runs, and
 * a run fetches only what changed since. With QRESYNC enabled, one {@code UID FETCH 1:m (UID FLAGS)
 * (CHANGEDSINCE s VANISHED)} names the changed flags and the expunged messages, and nothing is asked
 * while HIGHESTMODSEQ is still s; else it asks which cached UIDs still exist ({@code UID SEARCH
 * RETURN (ALL) UID 1:m}) and the flags changed since ({@code CHANGEDSINCE}). New messages come with
 * {@code UID FETCH m+1:*}. Regex outcomes are kept too, so header fields are fetched only for
 * candidates no earlier run evaluated. Otherwise it fetches and searches everything, as without a cache.
 * A cache that cannot be used is never an error: the run then fetches the whole table.
 */
final class IncrementalObservation {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalObservation.class);
    /**
     * Below this many messages the whole table is one short answer (about 12 KB at 121 bytes a
     * message), cheaper than the refresh's extra round trip; such mailboxes are fetched whole.
     */
    static final int MIN_MESSAGES = 100;

    /** One UID SEARCH of the run, over the messages with UID {@code fromUid} and above. */
    @FunctionalInterface
    interface Search {
        BitSet find(long fromUid, SearchProgram program) throws ImapException;
    }

    private final MailboxSession box;
    private final String server;
    private final long fromUid;
    /** Null when the cache is not used for this run. */
    private final Path file;
    private MailboxCache previous;
    private MessageTable table;
    private final Map<String, long[]> results = new LinkedHashMap<>();
    private final Map<String, MailboxCache.RegexAnswer> regexResults = new LinkedHashMap<>();
    private boolean changed;
    private String outcome = "";

    private IncrementalObservation(MailboxSession box, String server, long fromUid, Path file) {
        this.box = box;
        this.server = server;
        this.fromUid = fromUid;
        this.file = file;
    }

    /**
     * Uses the cache for full runs of mailboxes of {@link #MIN_MESSAGES} or more only: a run
     * restricted to new mail ({@code fromUid > 1}) fetches little anyway, and must not replace the
     * cache with a part of the mailbox.
     */
    static IncrementalObservation of(RunSettings settings, ImapSession connection, MailboxSession box,
                                     String account, String mailbox, long fromUid) {
        boolean usable = fromUid == 1 && settings.state().isPresent()
                && (box.qresync() || connection.hasCapability("ESEARCH"))
                && box.highestModSeq() > 0 && box.exists() >= MIN_MESSAGES;
        Path file = usable ? settings.state().get().mailboxFile("cache", account, mailbox, ".bin") : null;
        return new IncrementalObservation(box, connection.description(), fromUid, file);
    }

    /**
     * Before SELECT: true when {@link #table()} will surely fetch the table from {@code fromUid} and
     * every search be asked from it (no cache file to refresh from: a first run, a run restricted to
     * new mail, or no state directory), so that they can be written with the SELECT.
     */
    static boolean withoutStoredCache(RunSettings settings, String account, String mailbox, long fromUid) {
        return fromUid != 1 || settings.state().isEmpty()
                || !Files.exists(settings.state().get().mailboxFile("cache", account, mailbox, ".bin"));
    }

    /** The message table: refreshed from the cache where possible, else fetched whole. */
    MessageTable table() throws ImapException {
        if (file == null) {
            return box.fetchTable(fromUid);
        }
        previous = load();
        if (previous != null) {
            table = refresh(previous);
            if (table != null) {
                return table;
            }
            previous = null;
        }
        changed = true;
        outcome = ", full fetch";
        table = box.fetchTable(1);
        return table;
    }

    /**
     * The UID from which {@link #search} will ask the server for this program, or 0 when the cache
     * answers it whole: so that the run can send every search of the run at once beforehand.
     */
    long searchFrom(SearchProgram program, MailboxSnapshot snapshot) {
        if (file == null || !program.isImmutable()) {
            return fromUid;
        }
        long[] cached = previous == null ? null : previous.searches().get(program.cacheKey());
        if (cached == null) {
            return 1;
        }
        return CachedRanges.firstAbove(snapshot.uids(), previous.maxUid()) < snapshot.size() ? previous.maxUid() + 1 : 0;
    }

    /**
     * The snapshot indexes of the messages the program matches. An immutable program's cached
     * answer is reused for the messages it covered, and only newer messages are searched.
     */
    BitSet search(SearchProgram program, MailboxSnapshot snapshot, Search search) throws ImapException {
        if (file == null || !program.isImmutable()) {
            return search.find(fromUid, program);
        }
        String key = program.cacheKey();
        long[] cached = previous == null ? null : previous.searches().get(key);
        BitSet found;
        if (cached == null) {
            LOG.debug("{}: no cached answer for {}", box.name(), program.display());
            changed = true;
            found = search.find(1, program);
        } else {
            found = CachedRanges.fromRanges(snapshot.uids(), cached, previous.maxUid());
            int firstNew = CachedRanges.firstAbove(snapshot.uids(), previous.maxUid());
            if (firstNew < snapshot.size()) {
                BitSet fresh = search.find(previous.maxUid() + 1, program);
                // UID m:* also names the last message when none is above m (RFC 3501 section 6.4.8)
                fresh.clear(0, firstNew);
                found.or(fresh);
            }
        }
        results.put(key, CachedRanges.toRanges(snapshot.uids(), found));
        return found;
    }

    /** Whether regex outcomes are carried between runs: only where this run keeps a cache. */
    boolean keepsRegexOutcomes() {
        return file != null;
    }

    /** The cached outcomes of a regex criterion for the snapshot's messages; none without a usable cache. */
    RegexOutcomes regexOutcomes(Criterion.HeaderRegex regex, MailboxSnapshot snapshot) {
        MailboxCache.RegexAnswer cached = previous == null ? null : previous.regexes().get(regex.cacheKey());
        if (cached == null) {
            return RegexOutcomes.none();
        }
        return new RegexOutcomes(CachedRanges.fromRanges(snapshot.uids(), cached.evaluated(), previous.maxUid()),
                CachedRanges.fromRanges(snapshot.uids(), cached.matching(), previous.maxUid()));
    }

    /** Keeps a regex criterion's outcomes for the next run; {@code grew}: some were found by this run. */
    void keepRegexOutcomes(Criterion.HeaderRegex regex, MailboxSnapshot snapshot, RegexOutcomes outcomes,
                           boolean grew) {
        changed |= grew;
        regexResults.put(regex.cacheKey(), new MailboxCache.RegexAnswer(
                CachedRanges.toRanges(snapshot.uids(), outcomes.known()),
                CachedRanges.toRanges(snapshot.uids(), outcomes.matching())));
    }

    /** Writes the cache after a successful observation; a failure to write is logged, never thrown. */
    void save() {
        if (file == null || table == null) {
            return;
        }
        if (previous != null && !changed && results.keySet().equals(previous.searches().keySet())
                && regexResults.keySet().equals(previous.regexes().keySet())) {
            LOG.debug("{}: mailbox unchanged, cache file kept", box.name());
            return;
        }
        long covered = table.size() == 0 ? 0 : table.uids()[table.size() - 1];
        // Every UID below UIDNEXT at SELECT was fetched or is gone: covering them all spares the next
        // run a UID FETCH of the last message whenever the newest messages were expunged.
        covered = Math.max(covered, box.uidNext() - 1);
        if (previous != null) {
            covered = Math.max(covered, previous.maxUid());
        }
        try {
            new MailboxCache(server, box.uidValidity(), box.highestModSeq(), covered, TableColumns.wrap(table), results,
                    regexResults).write(file);
            LOG.debug("{}: cache written: {} messages, {} search answers, {} regex answers, HIGHESTMODSEQ {}",
                    box.name(), table.size(), results.size(), regexResults.size(), box.highestModSeq());
        } catch (IOException e) {
            LOG.warn("{}: cannot write the cache file {}: {}", box.name(), file, e.toString());
        }
    }

    /** For the run's INFO line: how the table was obtained; empty without a cache. */
    String outcome() {
        return outcome;
    }

    private MailboxCache load() {
        if (!Files.exists(file)) {
            LOG.debug("{}: no cache file {}", box.name(), file);
            return null;
        }
        MailboxCache cache;
        try {
            cache = MailboxCache.read(file, box.exists());
        } catch (MailboxCache.Unreadable | IOException e) {
            LOG.warn("{}: cache file {} unusable ({}); deleted, fetching the whole table", box.name(), file,
                    e.getMessage());
            delete();
            return null;
        }
        if (!cache.server().equals(server)) {
            LOG.debug("{}: cache discarded: it was made on {}, this is {}", box.name(), cache.server(), server);
            return null;
        }
        if (cache.uidValidity() != box.uidValidity()) {
            LOG.debug("{}: cache discarded: UIDVALIDITY {} is now {}", box.name(), cache.uidValidity(),
                    box.uidValidity());
            return null;
        }
        if (box.highestModSeq() < cache.highestModSeq()) {
            LOG.debug("{}: cache discarded: HIGHESTMODSEQ {} is below the cached {} (restored from a backup?)",
                    box.name(), box.highestModSeq(), cache.highestModSeq());
            return null;
        }
        return cache;
    }

    private MessageTable refresh(MailboxCache cache) throws ImapException {
        TableColumns columns = cache.table();
        int before = columns.size();
        boolean newMail = box.uidNext() < 0 || box.uidNext() > cache.maxUid() + 1;
        MessageTable arrived = null;
        int flagChanges;
        if (box.qresync() && newMail && box.highestModSeq() != cache.highestModSeq()) {
            // the changes and the new mail's table in one flight (issue 15)
            ChangesAndTable both = box.fetchChangesSinceAndTable(cache.maxUid(),
                    cache.highestModSeq());
            columns.removeAll(both.changes().vanished());
            flagChanges = applyFlags(columns, both.changes().flags());
            arrived = both.table();
        } else {
            flagChanges = box.qresync() ? qresyncChanges(cache, columns) : condstoreChanges(cache, columns);
        }
        if (flagChanges < 0) {
            return null;
        }
        int gone = before - columns.size();
        int kept = columns.size();
        if (arrived != null) {
            columns.append(arrived);
        } else if (newMail) {
            columns.append(box.fetchTable(cache.maxUid() + 1));
        }
        int added = columns.size() - kept;
        // QRESYNC names what vanished, not what exists: the count is the check that the cache still fits.
        if (box.qresync() && columns.size() != box.exists()) {
            LOG.debug("{}: cache discarded: {} messages after the refresh, the server has {}", box.name(),
                    columns.size(), box.exists());
            return null;
        }
        changed = gone > 0 || flagChanges > 0 || added > 0 || box.highestModSeq() != cache.highestModSeq();
        outcome = ", from cache (%d flag changes, %d gone, %d new)".formatted(flagChanges, gone, added);
        LOG.debug("{}: cache hit{}: {} cached, {} gone, {} flag changes, {} new", box.name(),
                box.qresync() ? " (QRESYNC)" : "", before, gone, flagChanges, added);
        MessageTable merged = columns.toTable();
        box.useTable(merged);
        return merged;
    }

    /**
     * CONDSTORE and ESEARCH: which cached UIDs still exist ({@code UID SEARCH RETURN (ALL)}), then the
     * flags changed since the cached HIGHESTMODSEQ. The number of flag changes; -1 when the cache does
     * not fit the mailbox.
     */
    private int condstoreChanges(MailboxCache cache, TableColumns columns) throws ImapException {
        if (!columns.retainOnly(box.existingUidRanges(cache.maxUid()))) {
            LOG.debug("{}: cache discarded: the server has UIDs up to {} the cache does not", box.name(),
                    cache.maxUid());
            return -1;
        }
        // Every change raises the mailbox's HIGHESTMODSEQ (RFC 7162 section 3.1.1): equal means no flag changed.
        if (box.highestModSeq() == cache.highestModSeq()) {
            return 0;
        }
        return applyFlags(columns, box.fetchFlagsChangedSince(cache.maxUid(), cache.highestModSeq()));
    }

    /**
     * QRESYNC: one {@code UID FETCH ... (CHANGEDSINCE s VANISHED)} names both the changed flags and
     * the expunged messages, and nothing at all is sent when HIGHESTMODSEQ is still s, since a QRESYNC
     * server gives expunges a mod-sequence too (RFC 7162 section 3.2). At 100,000 messages with tens of
     * thousands of holes this saves the ESEARCH answer listing every range between them on every run.
     */
    private int qresyncChanges(MailboxCache cache, TableColumns columns) throws ImapException {
        if (box.highestModSeq() == cache.highestModSeq()) {
            return 0;
        }
        ChangesSince changes = box.fetchChangesSince(cache.maxUid(), cache.highestModSeq());
        columns.removeAll(changes.vanished());
        return applyFlags(columns, changes.flags());
    }

    private int applyFlags(TableColumns columns, FlagUpdates updates) {
        if (!columns.updateFlags(updates)) {
            LOG.debug("{}: cache discarded: CHANGEDSINCE named a UID the cache does not have", box.name());
            return -1;
        }
        return updates.size();
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete the cache file {}: {}", box.name(), file, e.toString());
        }
    }
}
