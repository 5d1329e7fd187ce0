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
        checkUidSet(op.uids().toArray());
        op.accept(new Operation.Visitor<Void>() {
            @Override
            public Void store(Operation.Store s) {
                ImapSimulator.this.store(s);
                return null;
            }

            @Override
            public Void copy(Operation.Copy c) {
                c.uids().stream().forEach(uid -> arrive(c.mailbox(), uid));
                return null;
            }

            @Override
            public Void move(Operation.Move mv) {
                mv.uids().stream().forEach(uid -> {
                    arrive(mv.mailbox(), uid);
                    source.remove(uid);
                });
                return null;
            }

            @Override
            public Void expunge(Operation.Expunge e) {
                ImapSimulator.this.expunge(e);
                return null;
            }
        });
    }

    FinalState state() {
        return FinalState.of(source, arrivals, expunged);
    }

    private void store(Operation.Store s) {
        for (long uid : s.uids().toArray()) {
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
                throw new AssertionError("STORE changes nothing for UID " + uid + ": " + s);
            }
            source.put(uid, after);
        }
    }

    private void expunge(Operation.Expunge e) {
        for (long uid : e.uids().toArray()) {
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
}
