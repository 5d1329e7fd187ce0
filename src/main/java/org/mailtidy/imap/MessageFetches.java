package org.mailtidy.imap;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjLongConsumer;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.UID;

/** Header fields, Message-IDs and whole messages of a selected mailbox, fetched by UID. */
final class MessageFetches {
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    private final MailboxCommands commands;

    MessageFetches(MailboxCommands commands) {
        this.commands = commands;
    }

    /** See {@link SelectedMailbox#fetchHeaderFields(long[], Collection)}. */
    Map<Long, Map<String, List<String>>> fetchHeaderFields(long[] uids, Collection<String> fields)
            throws ImapException {
        Map<Long, Map<String, List<String>>> result = new HashMap<>();
        fetchHeaderFields(uids, fields, (values, uid) -> result.put(uid, values));
        return result;
    }

    /** See {@link SelectedMailbox#fetchHeaderFields(long[], Collection, ObjLongConsumer)}. */
    void fetchHeaderFields(long[] uids, Collection<String> fields,
                           ObjLongConsumer<Map<String, List<String>>> consumer) throws ImapException {
        Set<String> names = new LinkedHashSet<>(fields);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no header field named");
        }
        for (String field : names) {
            if (!FIELD_NAME.matcher(field).matches()) {
                throw new IllegalArgumentException("not a header field name: '" + field + "'");
            }
        }
        String suffix = " (UID BODY.PEEK[HEADER.FIELDS (" + String.join(" ", names) + ")])";
        Wire.Handler handler = r -> {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                BODY body = f.getItem(BODY.class);
                if (uid != null && body != null) {
                    ByteArray bytes = body.getByteArray();
                    consumer.accept(bytes == null ? HeaderFields.parse(new byte[0], 0, 0, names)
                            : HeaderFields.parse(bytes.getBytes(), bytes.getStart(), bytes.getCount(), names), uid.uid);
                    return true;
                }
            }
            return false;
        };
        List<String> pieces = UidSets.split(uids, Wire.setBudget("UID FETCH ", suffix));
        if (pieces.size() < 2) {
            for (String piece : pieces) {
                commands.run("UID FETCH", "UID FETCH " + piece + suffix, null, handler);
            }
            return;
        }
        // The pieces in one flight: every answer names its UID, and one handler takes them all
        commands.connection().counter().increment("UID FETCH", pieces.size());
        List<Wire.Pipelined> flight = pieces.stream().map(piece -> "UID FETCH " + piece + suffix)
                .map(command -> new Wire.Pipelined(command, null, handler, command.length() + 24, false))
                .toList();
        commands.requireAllOk("UID FETCH", commands.pipelined("UID FETCH", flight));
    }

    /** See {@link SelectedMailbox#fetchMessageIds}. */
    Map<Long, String> fetchMessageIds(long[] uids) throws ImapException {
        Map<Long, String> ids = new HashMap<>();
        fetchHeaderFields(uids, List.of("Message-ID")).forEach((uid, fields) -> {
            List<String> values = fields.get("Message-ID");
            if (!values.isEmpty()) {
                ids.put(uid, values.get(0));
            }
        });
        return ids;
    }

    /** See {@link SelectedMailbox#fetchRaw}. */
    void fetchRaw(long[] uids, RawConsumer consumer) throws ImapException {
        String suffix = " (UID FLAGS INTERNALDATE BODY.PEEK[])";
        MailboxCommands.forEachPiece(uids, "UID FETCH ", suffix, piece -> commands.run("UID FETCH",
                "UID FETCH " + piece + suffix, null, r -> {
                    if (r instanceof FetchResponse f) {
                        UID uid = f.getItem(UID.class);
                        BODY body = f.getItem(BODY.class);
                        FLAGS flags = f.getItem(FLAGS.class);
                        INTERNALDATE date = f.getItem(INTERNALDATE.class);
                        if (uid != null && body != null) {
                            ByteArray bytes = body.getByteArray();
                            consumer.accept(new RawConsumer.RawMessage(uid.uid,
                                    flags == null ? List.of() : FlagNames.of(flags, false),
                                    date == null ? 0 : date.getDate().getTime(),
                                    bytes == null ? new byte[0] : bytes.getNewBytes()));
                            return true;
                        }
                    }
                    return false;
                }));
    }
}
