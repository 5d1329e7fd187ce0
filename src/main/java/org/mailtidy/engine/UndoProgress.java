package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an undo did so far: the report's entries in order, and the messages it already put back,
 * which the lines of older runs must see as they are now.
 */
final class UndoProgress {
    static final String CHANGED = "changed since the run by another client or a later run";

    private final List<Undo.Entry> entries = new ArrayList<>();
    /**
     * Messages (account, mailbox, UIDVALIDITY, UID) whose flags this undo already put back, moved back
     * or appended: an older run's recorded mod-sequence predates that, so only the flags are compared.
     */
    private final Set<String> restored = new HashSet<>();
    /**
     * Messages this undo moved back or appended again, to their new UID in the same mailbox: an older
     * run's lines name them by the UID they had then.
     */
    private final Map<String, Long> renamed = new HashMap<>();

    /** The entries so far; a live view. */
    List<Undo.Entry> entries() {
        return entries;
    }

    void undone(AuditLog.Line l, String what) {
        entries.add(new Undo.Entry(true, l.account(), l.mailbox(), l.uid(), l.messageId(), what));
    }

    void notUndone(AuditLog.Line l, String why) {
        entries.add(new Undo.Entry(false, l.account(), l.mailbox(), l.uid(), l.messageId(), why));
    }

    void restored(AuditLog.Line l) {
        restored.add(key(l));
    }

    boolean wasRestored(AuditLog.Line l) {
        return restored.contains(key(l));
    }

    /** The audited message of {@code l} is now {@code uid} in its mailbox. */
    void renamed(AuditLog.Line l, long uid) {
        renamed.put(key(l), uid);
    }

    /** The UID the audited message has now in its mailbox (this undo may have moved it back or appended it). */
    long uidNow(AuditLog.Line l) {
        return renamed.getOrDefault(key(l), l.uid());
    }

    /** The UID the copy or moved message has now in its destination. */
    long destinationUidNow(AuditLog.Line l) {
        return renamed.getOrDefault(key(l.account(), l.destination(), l.destinationUidValidity(), l.destinationUid()),
                l.destinationUid());
    }

    private static String key(AuditLog.Line l) {
        return key(l.account(), l.mailbox(), l.uidValidity(), l.uid());
    }

    private static String key(String account, String mailbox, long uidValidity, long uid) {
        return account + "\u0000" + mailbox + "\u0000" + uidValidity + "\u0000" + uid;
    }

    static String changedFlags(List<String> now, List<String> left) {
        return " (flags now " + FlagLists.text(now) + ", the run left " + FlagLists.text(left) + ")";
    }

    static String flagsBack(List<String> carried, List<String> original) {
        return FlagLists.same(carried, original) ? "" : ", flags " + FlagLists.text(carried) + " back to " + FlagLists.text(original);
    }
}
