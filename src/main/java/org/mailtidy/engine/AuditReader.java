package org.mailtidy.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailtidy.json.JsonReader;

/**
 * Reads an audit file back (docs/audit-format.md). It is what {@code mailtidy undo} acts on, so it
 * understands exactly version {@value AuditLog#VERSION} and refuses anything else: a line that is
 * not JSON, lacks a field, has a field it does not know, a value of the wrong type, another version
 * or an action it cannot name. Empty lines are skipped.
 */
public final class AuditReader {

    /** What the reader does not understand, with the file and line number. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private static final Set<String> FIELDS = new LinkedHashSet<>(List.of("time", "account", "mailbox",
            "uidvalidity", "uid", "message_id", "rule", "action", "v", "run", "flags_before", "flags_after",
            "destination", "destination_uidvalidity", "destination_uid", "backup", "internaldate", "modseq"));
    private static final Pattern FLAG = Pattern.compile("\\\\?[!#$&'+\\-.0-9:;<=>?@A-Z\\[^_`a-z|~]+");
    private static final Pattern FLAG_ACTION = Pattern.compile("(add_flags|remove_flags)( \\S+)+|set_flags( \\S+)*");

    private AuditReader() {
    }

    /** Every line of the file, in file order. */
    public static List<AuditLog.Line> read(Path file) throws IOException, Refused {
        List<AuditLog.Line> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    lines.add(parse(text));
                } catch (IllegalArgumentException e) {
                    throw new Refused(file + ":" + number + ": " + e.getMessage());
                }
            }
        }
        return lines;
    }

    /** One line; an {@link IllegalArgumentException} says what is wrong with it. */
    static AuditLog.Line parse(String text) {
        Map<String, Object> o = JsonReader.parseObject(text);
        Object v = o.get("v");
        if (v == null) {
            throw new IllegalArgumentException("no \"v\" field: a line of a mailtidy before audit format version 1,"
                    + " which does not record enough to undo; move such lines out of the file");
        }
        if (!(v instanceof Long version) || version != AuditLog.VERSION) {
            throw new IllegalArgumentException("audit format version " + v + " is not understood (this mailtidy"
                    + " reads version " + AuditLog.VERSION + ")");
        }
        for (String key : o.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("unknown field \"" + key + "\"");
            }
        }
        for (String key : FIELDS) {
            if (!o.containsKey(key)) {
                throw new IllegalArgumentException("missing field \"" + key + "\"");
            }
        }
        String action = string(o, "action", false);
        String destination = string(o, "destination", true);
        String actionMailbox = AuditLog.destination(action);
        if (actionMailbox == null && !action.equals("delete") && !FLAG_ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("unknown action \"" + action + "\"");
        }
        if (actionMailbox != null ? !actionMailbox.equals(destination) : destination != null) {
            throw new IllegalArgumentException("\"destination\" " + (destination == null ? "null" : "\"" + destination
                    + "\"") + " does not agree with the action \"" + action + "\"");
        }
        long destinationUid = number(o, "destination_uid", true);
        long destinationValidity = number(o, "destination_uidvalidity", true);
        if ((destinationUid == 0) != (destinationValidity == 0)) {
            throw new IllegalArgumentException("\"destination_uid\" and \"destination_uidvalidity\" go together");
        }
        String internalDate = string(o, "internaldate", true);
        String run = string(o, "run", false);
        if (run.isEmpty()) {
            throw new IllegalArgumentException("\"run\" is empty");
        }
        return new AuditLog.Line(instant("time", string(o, "time", false)), run, string(o, "account", false),
                string(o, "mailbox", false), positive(o, "uidvalidity"), positive(o, "uid"),
                string(o, "message_id", true), string(o, "rule", false), action, flags(o, "flags_before"),
                flags(o, "flags_after"), destination, destinationValidity, destinationUid,
                string(o, "backup", true), internalDate == null ? null : instant("internaldate", internalDate),
                number(o, "modseq", true));
    }

    private static String string(Map<String, Object> o, String key, boolean nullable) {
        Object v = o.get(key);
        if (v == null && nullable) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" must be a string" + (nullable ? " or null" : ""));
        }
        return s;
    }

    /** A positive integer; 0 for a nullable field that is null. */
    private static long number(Map<String, Object> o, String key, boolean nullable) {
        Object v = o.get(key);
        if (v == null && nullable) {
            return 0;
        }
        if (!(v instanceof Long n) || n < 1) {
            throw new IllegalArgumentException("\"" + key + "\" must be a positive integer" + (nullable ? " or null"
                    : ""));
        }
        return n;
    }

    private static long positive(Map<String, Object> o, String key) {
        return number(o, key, false);
    }

    private static List<String> flags(Map<String, Object> o, String key) {
        if (!(o.get(key) instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + key + "\" must be a list of flags");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object f : list) {
            if (!(f instanceof String s) || !FLAG.matcher(s).matches()) {
                throw new IllegalArgumentException("\"" + key + "\" holds " + f + ", which is not an IMAP flag");
            }
            out.add(s);
        }
        return out;
    }

    private static Instant instant(String key, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + key + "\" is not a UTC time such as 2026-12-07T16:35:12Z: "
                    + value);
        }
    }
}
