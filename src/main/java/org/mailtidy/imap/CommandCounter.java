package org.mailtidy.imap;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the commands mailtidy sent on one connection by verb ({@code UID STORE}, {@code SELECT}). */
public final class CommandCounter {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(String verb) {
        counts.computeIfAbsent(verb, v -> new LongAdder()).increment();
    }

    void increment(String verb, int n) {
        counts.computeIfAbsent(verb, v -> new LongAdder()).add(n);
    }

    public long count(String verb) {
        LongAdder n = counts.get(verb);
        return n == null ? 0 : n.sum();
    }

    /** A sorted copy: verb to count. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((verb, n) -> copy.put(verb, n.sum()));
        return copy;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
