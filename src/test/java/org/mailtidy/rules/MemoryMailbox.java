package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The in-memory mailbox seen through the planner's eyes: a snapshot and the server's evidence. */
final class MemoryMailbox {

    private final List<MemoryMessage> messages;
    private final PlanContext context;

    MemoryMailbox(List<MemoryMessage> messages, PlanContext context) {
        this.messages = List.copyOf(messages);
        this.context = context;
    }

    MailboxSnapshot snapshot() {
        int n = messages.size();
        long[] uids = new long[n];
        int[] ids = new int[n];
        long[] dates = new long[n];
        long[] sizes = new long[n];
        List<Set<Flag>> sets = new ArrayList<>();
        Map<Set<Flag>, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            MemoryMessage m = messages.get(i);
            uids[i] = m.uid();
            ids[i] = index.computeIfAbsent(new TreeSet<>(m.flags()), s -> {
                sets.add(s);
                return sets.size() - 1;
            });
            dates[i] = m.internalDate();
            sizes[i] = m.size();
        }
        return new MailboxSnapshot(1, uids, ids, sets, dates, sizes);
    }

    /** Answers searches like a server (by the naive evaluator) and gives every header. */
    RecordingEvidence evidence() {
        return new RecordingEvidence(null);
    }

    /** Gives headers only for the messages and fields of {@code need}; {@code null} elsewhere. */
    RecordingEvidence evidence(HeaderNeed need) {
        return new RecordingEvidence(need);
    }

    /** As {@link #evidence(HeaderNeed)}, also reporting these regex outcomes as known. */
    RecordingEvidence evidence(HeaderNeed need, Map<Criterion.HeaderRegex, RegexOutcomes> known) {
        RecordingEvidence e = new RecordingEvidence(need);
        e.known.putAll(known);
        return e;
    }

    /** The true outcomes of a regex criterion for the messages of {@code which}. */
    RegexOutcomes outcomes(Criterion.HeaderRegex regex, BitSet which) {
        BitSet matching = new BitSet();
        which.stream().filter(i -> NaiveCriteria.matches(regex, messages.get(i), Set.of(), context.now(),
                context.today())).forEach(matching::set);
        return new RegexOutcomes((BitSet) which.clone(), matching);
    }

    final class RecordingEvidence implements Evidence {
        private final HeaderNeed only;
        final Set<Criterion> asked = new HashSet<>();
        private final Map<Criterion.HeaderRegex, RegexOutcomes> known = new HashMap<>();

        RecordingEvidence(HeaderNeed only) {
            this.only = only;
        }

        @Override
        public BitSet serverMatches(Criterion subtree) {
            if (!CriteriaKinds.isServerSide(subtree)) {
                throw new AssertionError("asked the server about a local criterion: " + subtree);
            }
            asked.add(subtree);
            BitSet out = new BitSet();
            for (int i = 0; i < messages.size(); i++) {
                if (NaiveCriteria.matches(subtree, messages.get(i), Set.of(), context.now(), context.today())) {
                    out.set(i);
                }
            }
            return out;
        }

        @Override
        public RegexOutcomes knownOutcomes(Criterion.HeaderRegex regex) {
            return known.getOrDefault(regex, RegexOutcomes.none());
        }

        @Override
        public List<String> headerValues(int index, String header) {
            if (only != null && !(only.messages().get(index) && containsIgnoreCase(only.fields(), header))) {
                return null;
            }
            return messages.get(index).header(header);
        }

        private static boolean containsIgnoreCase(Set<String> fields, String header) {
            return fields.stream().anyMatch(f -> f.toLowerCase(Locale.ROOT).equals(header.toLowerCase(Locale.ROOT)));
        }
    }
}
