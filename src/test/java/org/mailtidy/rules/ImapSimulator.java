package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tiny in-memory IMAP server for one mailbox run: UID STORE (+, -, replace), UID COPY, UID MOVE
 * and UID EXPUNGE (RFC 4315: only {@code \Deleted} messages in the set). It refuses what a careful
 * client must never send: an empty or unsorted UID set, an unknown UID, a STORE that changes
 * nothing for some message, or an EXPUNGE of a UID that no delete rule chose.
 */
final class ImapSimulator {

    private final TreeMap<Long, Set<Flag>> source = new TreeMap<>();
    private final Map<String, List<FinalState.Arrival>> arrivals = new HashMap<>();
    private final Set<Long> expunged = new TreeSet<>();
    private final Set<Long> mayExpunge;

    ImapSimulator(List<MemoryMessage> messages, Set<Long> mayExpunge) {
        messages.forEach(m -> source.put(m.uid(), new TreeSet<>(m.flags())));
        this.mayExpunge = Set.copyOf(mayExpunge);
    }

    void apply(Operation op) {
        checkUidSet(op.uids());
        if (op instanceof Operation.Store s) {
            store(s);
        } else if (op instanceof Operation.Copy c) {
            for (long uid : c.uids()) {
                arrive(c.mailbox(), uid);
            }
        } else if (op instanceof Operation.Move mv) {
            for (long uid : mv.uids()) {
                arrive(mv.mailbox(), uid);
                source.remove(uid);
            }
        } else if (op instanceof Operation.Expunge e) {
            expunge(e);
        }
    }

    FinalState state() {
        return FinalState.of(source, arrivals, expunged);
    }

    private void store(Operation.Store s) {
        for (long uid : s.uids()) {
            Set<Flag> flags = source.get(uid);
            Set<Flag> after = new TreeSet<>(flags);
            switch (s.mode()) {
                case ADD -> after.addAll(s.flags());
                case REMOVE -> after.removeAll(s.flags());
                case REPLACE -> {
                    after.clear();
                    after.addAll(s.flags());
                }
            }
            if (after.equals(flags)) {
                throw new AssertionError("STORE changes nothing for UID " + uid + ": " + describe(s));
            }
            source.put(uid, after);
        }
    }

    private void expunge(Operation.Expunge e) {
        for (long uid : e.uids()) {
            if (!mayExpunge.contains(uid)) {
                throw new AssertionError("asked to expunge UID " + uid + ", which no delete rule chose");
            }
            if (source.get(uid).contains(Flag.DELETED)) {
                source.remove(uid);
                expunged.add(uid);
            }
        }
    }

    private void arrive(String mailbox, long uid) {
        arrivals.computeIfAbsent(mailbox, k -> new ArrayList<>()).add(new FinalState.Arrival(uid, source.get(uid)));
    }

    private void checkUidSet(long[] uids) {
        if (uids.length == 0) {
            throw new AssertionError("empty UID set");
        }
        for (int i = 0; i < uids.length; i++) {
            if (i > 0 && uids[i] <= uids[i - 1]) {
                throw new AssertionError("UID set not ascending: " + java.util.Arrays.toString(uids));
            }
            if (!source.containsKey(uids[i])) {
                throw new AssertionError("no message with UID " + uids[i]);
            }
        }
    }

    static String describe(Operation op) {
        String uids = java.util.Arrays.toString(op.uids());
        if (op instanceof Operation.Store s) {
            return "Store " + s.mode() + " " + new TreeSet<>(s.flags()) + " " + uids;
        }
        if (op instanceof Operation.Copy c) {
            return "Copy " + c.mailbox() + " " + uids;
        }
        if (op instanceof Operation.Move m) {
            return "Move " + m.mailbox() + " " + uids;
        }
        return "Expunge " + uids;
    }
}
