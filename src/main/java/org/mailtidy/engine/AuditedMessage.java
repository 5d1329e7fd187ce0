package org.mailtidy.engine;

import java.util.List;
import java.util.Optional;

/** One message's part in one mailbox run, as {@code mailtidy undo} reads it: its audit lines in order. */
record AuditedMessage(List<AuditLog.Line> lines) {

    AuditLog.Line first() {
        return lines.get(0);
    }

    List<String> original() {
        return first().flagsBefore();
    }

    Optional<AuditLog.Line> leaving() {
        return lines.stream().filter(l -> l.destination() != null && !l.action().startsWith("copy_to "))
                .findFirst();
    }

    Optional<AuditLog.Line> deleted() {
        return lines.stream().filter(l -> l.action().equals("delete")).findFirst();
    }

    List<AuditLog.Line> copies() {
        return lines.stream().filter(l -> l.action().startsWith("copy_to ")).toList();
    }

    /** The flags the run left on the message in its mailbox (before a delete marked it). */
    List<String> left() {
        return lines.get(lines.size() - 1).flagsAfter();
    }

    boolean flagsChanged() {
        return !FlagLists.same(original(), left());
    }

    /** How many reversals undo reports for it: each copy, the move back, the re-append, the flags put back. */
    int parts() {
        boolean stays = leaving().isEmpty() && deleted().isEmpty();
        return copies().size() + (leaving().isPresent() ? 1 : 0) + (deleted().isPresent() ? 1 : 0)
                + (stays && flagsChanged() ? 1 : 0);
    }
}
