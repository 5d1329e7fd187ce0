package org.mailtidy.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.mailtidy.files.DurableFiles;

/**
 * The audit file: one JSON object per line and per change, in the format of docs/audit-format.md
 * (version {@value #VERSION}), appended and forced to disk once at the end of each run, so a crash
 * loses at most the lines of the run in progress. {@link AuditReader} reads it back for undo. A
 * new file is 0600 (it names every message changed) and its directory is forced too.
 */
public final class AuditLog {

    /** The {@code v} of the lines this version writes; {@link AuditReader} refuses any other. */
    public static final int VERSION = 1;

    /**
     * One line of the audit file.
     *
     * @param run                    the run id (docs/audit-format.md)
     * @param flagsBefore            the message's flags before the rule, as the rules saw them
     * @param flagsAfter             after the rule: a copy or a moved message carries these
     * @param destination            the mailbox of a copy, move or trash; else null
     * @param destinationUidValidity with {@code destinationUid}: from COPYUID (RFC 4315); 0 when unknown
     * @param destinationUid         the message's UID in the destination; 0 when unknown
     * @param backup                 the backup file of a deleted message, or null
     * @param internalDate           the message's INTERNALDATE where it was read (deletes with a backup), or null
     * @param modSeq                 an UNCHANGEDSINCE value that protects the message's state after the
     *                               run (RFC 7162): any later change has a higher mod-sequence; 0 when none
     */
    public record Line(Instant time, String run, String account, String mailbox, long uidValidity, long uid,
                       String messageId, String rule, String action, List<String> flagsBefore,
                       List<String> flagsAfter, String destination, long destinationUidValidity,
                       long destinationUid, String backup, Instant internalDate, long modSeq) {
        public Line {
            flagsBefore = List.copyOf(flagsBefore);
            flagsAfter = List.copyOf(flagsAfter);
        }

        /** The same line with where the message (or its copy) went, from COPYUID. */
        Line withDestinationUid(long uidValidity, long uid) {
            return new Line(time, run, account, mailbox, this.uidValidity, this.uid, messageId, rule, action,
                    flagsBefore, flagsAfter, destination, uidValidity, uid, backup, internalDate, modSeq);
        }

        Line withBackup(String file, Instant date) {
            return new Line(time, run, account, mailbox, uidValidity, uid, messageId, rule, action, flagsBefore,
                    flagsAfter, destination, destinationUidValidity, destinationUid, file, date, modSeq);
        }

        Line withModSeq(long value) {
            return new Line(time, run, account, mailbox, uidValidity, uid, messageId, rule, action, flagsBefore,
                    flagsAfter, destination, destinationUidValidity, destinationUid, backup, internalDate, value);
        }

        /** The first fields keep the order of the lines written before version 1 (readers of the prefix). */
        String toJson() {
            return "{\"time\":" + quote(time.toString())
                    + ",\"account\":" + quote(account)
                    + ",\"mailbox\":" + quote(mailbox)
                    + ",\"uidvalidity\":" + uidValidity
                    + ",\"uid\":" + uid
                    + ",\"message_id\":" + quoteOrNull(messageId)
                    + ",\"rule\":" + quote(rule)
                    + ",\"action\":" + quote(action)
                    + ",\"v\":" + VERSION
                    + ",\"run\":" + quote(run)
                    + ",\"flags_before\":" + array(flagsBefore)
                    + ",\"flags_after\":" + array(flagsAfter)
                    + ",\"destination\":" + quoteOrNull(destination)
                    + ",\"destination_uidvalidity\":" + (destinationUid > 0 ? Long.toString(destinationUidValidity) : "null")
                    + ",\"destination_uid\":" + (destinationUid > 0 ? Long.toString(destinationUid) : "null")
                    + ",\"backup\":" + quoteOrNull(backup)
                    + ",\"internaldate\":" + (internalDate == null ? "null" : quote(internalDate.toString()))
                    + ",\"modseq\":" + (modSeq > 0 ? Long.toString(modSeq) : "null")
                    + "}";
        }
    }

    private final Path file;
    private final DurableFiles files;

    /** The mailbox of a {@code copy_to}, {@code move_to} or {@code trash} action; else null. */
    static String destination(String action) {
        for (String verb : List.of("copy_to ", "move_to ", "trash ")) {
            if (action.startsWith(verb)) {
                return action.substring(verb.length());
            }
        }
        return null;
    }

    public AuditLog(Path file) {
        this(file, DurableFiles.SYSTEM);
    }

    AuditLog(Path file, DurableFiles files) {
        this.file = file;
        this.files = files;
    }

    public Path file() {
        return file;
    }

    /** Appends the lines and forces them to disk. Runs of several accounts may call this at once. */
    public synchronized void append(List<Line> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            files.directories(parent);
        }
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            sb.append(l.toJson()).append('\n');
        }
        files.append(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String quoteOrNull(String s) {
        return s == null ? "null" : quote(s);
    }

    private static String array(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            sb.append(sb.length() > 1 ? "," : "").append(quote(v));
        }
        return sb.append(']').toString();
    }

    /** A JSON string literal (RFC 8259 section 7). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
