package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Messages held in memory, seen through the planner's eyes: a {@link MailboxSnapshot} (UIDs 1, 2, ...
 * in list order) and {@link Evidence} whose search answers come from {@link LocalSearch}. With it the
 * planner runs as on a server, without one: {@code mailtidy check}'s examples.
 */
public final class LocalMailbox {

    private final List<SearchableMessage> messages;
    private final LocalSearch.Clock clock;

    public LocalMailbox(List<SearchableMessage> messages, LocalSearch.Clock clock) {
        this.messages = List.copyOf(messages);
        this.clock = clock;
    }

    /** The UID of the message at {@code index} of the list. */
    public static long uidOf(int index) {
        return index + 1L;
    }

    public MailboxSnapshot snapshot() {
        int n = messages.size();
        long[] uids = new long[n];
        int[] ids = new int[n];
        long[] dates = new long[n];
        long[] sizes = new long[n];
        List<Set<Flag>> sets = new ArrayList<>();
        Map<Set<Flag>, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SearchableMessage m = messages.get(i);
            uids[i] = uidOf(i);
            ids[i] = index.computeIfAbsent(new TreeSet<>(m.flags()), s -> {
                sets.add(s);
                return sets.size() - 1;
            });
            dates[i] = m.internalDate().toEpochMilli();
            sizes[i] = m.size();
        }
        return new MailboxSnapshot(1, uids, ids, sets, dates, sizes);
    }

    /** Answers every server-side subtree locally and gives every header field. */
    public Evidence evidence() {
        return new Evidence() {
            @Override
            public BitSet serverMatches(Criterion serverSubtree) {
                BitSet out = new BitSet();
                for (int i = 0; i < messages.size(); i++) {
                    if (LocalSearch.matches(serverSubtree, messages.get(i), clock)) {
                        out.set(i);
                    }
                }
                return out;
            }

            @Override
            public List<String> headerValues(int index, String header) {
                return messages.get(index).header(header);
            }
        };
    }

    /** The plan a run would make with these rules; {@code context.now()} should be the clock's. */
    public MailboxPlan plan(List<RuleSpec> rules, PlanContext context) {
        return Planner.plan(rules, snapshot(), evidence(), context);
    }
}
