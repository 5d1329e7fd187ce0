package org.mailtidy.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.mailtidy.files.DurableFiles;

/**
 * The audit file: one JSON object per line and per change (time, account, mailbox, uidvalidity,
 * uid, message_id, rule, action), appended and forced to disk once at the end of each run, so a
 * crash loses at most the lines of the run in progress. A new file is 0600 (it names every
 * message changed) and its directory is forced too.
 */
public final class AuditLog {

    /** One line of the audit file. */
    public record Line(Instant time, String account, String mailbox, long uidValidity, long uid, String messageId,
                       String rule, String action) {
        String toJson() {
            return "{\"time\":" + quote(time.toString())
                    + ",\"account\":" + quote(account)
                    + ",\"mailbox\":" + quote(mailbox)
                    + ",\"uidvalidity\":" + uidValidity
                    + ",\"uid\":" + uid
                    + ",\"message_id\":" + (messageId == null ? "null" : quote(messageId))
                    + ",\"rule\":" + quote(rule)
                    + ",\"action\":" + quote(action) + "}";
        }
    }

    private final Path file;
    private final DurableFiles files;

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
