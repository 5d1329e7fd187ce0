package org.mailtidy.engine;

import org.mailtidy.imap.SearchRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.HeaderNeed;
import org.mailtidy.rules.ImapSearch;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RegexOutcomes;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.SearchProgram;

/**
 * What the planner needs to know beyond the message table, asked of the server (or answered by the
 * mailbox cache): one UID SEARCH per distinct server-side subtree of the rules' criteria, in one
 * pipelined flight, and the header fields that regex criteria match, only for the messages where
 * they can still decide a rule.
 */
final class EvidenceGathering {
    private EvidenceGathering() {
    }

    static ServerEvidence gather(MailboxSession box, MailboxSnapshot snapshot, List<RuleSpec> effectiveRules,
                                 PlanContext context, IncrementalObservation cached) throws ImapException {
        ServerEvidence evidence = new ServerEvidence();
        if (snapshot.size() == 0) {
            for (Criterion q : Planner.serverQueries(effectiveRules)) {
                evidence.addSearch(q, new BitSet());
            }
            return evidence;
        }
        List<Criterion> queries = Planner.serverQueries(effectiveRules);
        List<SearchProgram> programs = queries.stream().map(q -> ImapSearch.render(q, context.today())).toList();
        Map<String, BitSet> answers = searchAll(box, snapshot, programs, cached);
        for (int i = 0; i < queries.size(); i++) {
            evidence.addSearch(queries.get(i), cached.search(programs.get(i), snapshot, (from, p) -> {
                BitSet sent = answers.remove(from + " " + p.cacheKey());
                return sent != null ? sent : search(box, snapshot, from, p);
            }));
        }
        List<Criterion.HeaderRegex> regexes = cached.keepsRegexOutcomes() ? Planner.regexCriteria(effectiveRules)
                : List.of();
        for (Criterion.HeaderRegex regex : regexes) {
            evidence.addKnownOutcomes(regex, cached.regexOutcomes(regex, snapshot));
        }
        HeaderNeed need = Planner.headerNeed(effectiveRules, snapshot, evidence, context);
        BitSet answered = need.isEmpty() ? new BitSet() : fetchHeaders(box, snapshot, need, evidence);
        for (Criterion.HeaderRegex regex : regexes) {
            BitSet fetched = need.fields().stream().anyMatch(f -> f.equalsIgnoreCase(regex.header())) ? answered
                    : new BitSet();
            int before = evidence.knownOutcomes(regex).known().cardinality();
            RegexOutcomes outcomes = evidence.learnOutcomes(regex, fetched);
            cached.keepRegexOutcomes(regex, snapshot, outcomes, outcomes.known().cardinality() > before);
        }
        return evidence;
    }

    /**
     * Fetches the needed header fields into the evidence; returns the messages the server answered
     * for (a message expunged meanwhile is not among them, and has no fields left to match).
     */
    private static BitSet fetchHeaders(MailboxSession box, MailboxSnapshot snapshot, HeaderNeed need,
                                       ServerEvidence evidence) throws ImapException {
        long[] uids = need.messages().stream().mapToLong(i -> snapshot.uids()[i]).toArray();
        BitSet answered = new BitSet();
        box.fetchHeaderFields(uids, need.fields(), (fields, uid) -> {
            int i = Arrays.binarySearch(snapshot.uids(), uid);
            if (i >= 0 && need.messages().get(i) && !answered.get(i)) {
                answered.set(i);
                evidence.addHeaders(i, fields);
            }
        });
        BitSet gone = (BitSet) need.messages().clone();
        gone.andNot(answered);
        gone.stream().forEach(i -> evidence.addHeaders(i, Map.of()));
        return answered;
    }

    /**
     * Every UID SEARCH the run's observation will ask, sent together (pipelined): one round trip
     * instead of one per search. Keyed by the UID searched from and the program's cache key.
     */
    private static Map<String, BitSet> searchAll(MailboxSession box, MailboxSnapshot snapshot,
                                                 List<SearchProgram> programs, IncrementalObservation cached)
            throws ImapException {
        Map<String, SearchProgram> asked = new LinkedHashMap<>();
        for (SearchProgram p : programs) {
            long from = cached.searchFrom(p, snapshot);
            if (from > 0) {
                asked.putIfAbsent(from + " " + p.cacheKey(), p);
            }
        }
        if (asked.size() < 2) {
            return new HashMap<>();
        }
        List<SearchRequest> requests = new ArrayList<>();
        asked.forEach((key, p) -> requests.add(new SearchRequest(
                restricted(p.tokens(), Long.parseLong(key.substring(0, key.indexOf(' ')))), p.utf8())));
        List<BitSet> found = box.uidSearchAll(requests, snapshot.uids());
        Map<String, BitSet> out = new HashMap<>();
        int i = 0;
        for (String key : asked.keySet()) {
            out.put(key, found.get(i++));
        }
        return out;
    }

    /**
     * The searches {@link #gather} sends when no mailbox cache answers any of them (each asked from
     * {@code fromUid}), in the same order and form: what a run can write with its SELECT
     * (docs/adr/0015). One search alone goes as {@code uidSearch}, several as {@code uidSearchAll}.
     */
    static List<SearchRequest> searchesWithoutCache(List<RuleSpec> effectiveRules, PlanContext context,
                                                    long fromUid) {
        Map<String, SearchProgram> asked = new LinkedHashMap<>();
        for (Criterion q : Planner.serverQueries(effectiveRules)) {
            SearchProgram p = ImapSearch.render(q, context.today());
            asked.putIfAbsent(p.cacheKey(), p);
        }
        return asked.values().stream().map(p -> new SearchRequest(restricted(p.tokens(), fromUid), p.utf8()))
                .toList();
    }

    /** One UID SEARCH over the messages with UID {@code from} and above, as snapshot indexes. */
    private static BitSet search(MailboxSession box, MailboxSnapshot snapshot, long from, SearchProgram program)
            throws ImapException {
        return box.uidSearch(restricted(program.tokens(), from), program.utf8(), snapshot.uids());
    }

    /** Search keys are ANDed (RFC 3501 section 6.4.4), so a leading {@code UID n:*} restricts any program. */
    private static List<SearchArg> restricted(List<SearchArg> args, long fromUid) {
        if (fromUid == 1) {
            return args;
        }
        List<SearchArg> out = new ArrayList<>(args.size() + 2);
        out.add(new SearchArg.Atom("UID"));
        out.add(new SearchArg.Atom(fromUid + ":*"));
        out.addAll(args);
        return out;
    }
}
