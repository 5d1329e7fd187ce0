package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands about mailboxes other than the selected one: LIST (names, the hierarchy separator,
 * special-use attributes), CREATE with SUBSCRIBE, and STATUS. Names on this side are relative to the
 * personal namespace, UTF-8 with {@code /} as separator.
 */
final class MailboxDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

    private final ImapConnection connection;
    private char separator;
    /** Asked once per connection: a LIST per mailbox run would cost a round trip each. */
    private final Map<String, Optional<String>> specialUses = new HashMap<>();
    /**
     * Mailboxes this connection saw exist (created by it, CREATE refused with ALREADYEXISTS, a COPY or
     * MOVE to it acknowledged, listed): a daemon's kept connection sends no CREATE ahead of them again.
     */
    private final java.util.Set<String> existing = new java.util.HashSet<>();

    MailboxDirectory(ImapConnection connection) {
        this.connection = connection;
    }

    /** The server's hierarchy separator (RFC 3501 section 6.3.8, {@code LIST "" ""}). */
    char separator() throws ImapException {
        if (separator == 0) {
            // On the connection in use: Angus's getSeparator() would open a second connection
            // while a mailbox is selected (three more round trips).
            List<ListInfo> root = rawList(null, "");
            separator = root.isEmpty() || root.get(0).separator == '\0' ? '/' : root.get(0).separator;
        }
        return separator;
    }

    /** See {@link ImapConnection#list}. */
    List<String> list(String pattern) throws ImapException {
        PersonalNamespace ns = connection.namespace();
        boolean keepPrefix = MailboxNames.writtenWithPrefix(pattern, ns);
        List<String> names = new ArrayList<>();
        if (!keepPrefix && !ns.prefix().isEmpty() && MailboxNames.matches(pattern, "INBOX")) {
            names.add("INBOX"); // INBOX is not under a prefix such as "INBOX.", but "*" names it
        }
        String wirePattern = MailboxNames.encode(MailboxNames.toServer(pattern, ns));
        for (ListInfo info : rawList(null, wirePattern)) {
            String name = MailboxNames.fromServer(info.name, new PersonalNamespace(ns.prefix(), separatorOf(info)),
                    keepPrefix);
            if (info.canOpen && !names.contains(name)) {
                names.add(name);
            }
        }
        existing.addAll(names);
        return names;
    }

    /** See {@link ImapConnection#specialUse}. */
    Optional<String> specialUse(String attribute) throws ImapException {
        String key = attribute.toLowerCase(Locale.ROOT);
        Optional<String> known = specialUses.get(key);
        if (known == null) {
            known = askSpecialUse(attribute);
            specialUses.put(key, known);
            known.ifPresent(this::exists);
        }
        return known;
    }

    private Optional<String> askSpecialUse(String attribute) throws ImapException {
        String selection = connection.hasCapability("SPECIAL-USE") ? "(SPECIAL-USE)" : null;
        for (ListInfo info : rawList(selection, "*")) {
            if (info.canOpen && info.attrs != null) {
                for (String attr : info.attrs) {
                    if (attr.equalsIgnoreCase(attribute)) {
                        return Optional.of(MailboxNames.fromServer(info.name,
                                new PersonalNamespace(connection.namespace().prefix(), separatorOf(info)), false));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** CREATE and SUBSCRIBE the mailbox unless it exists (RFC 3501 sections 6.3.3, 6.3.6). */
    void createIfMissing(String mailbox) throws ImapException {
        if (knownToExist(mailbox)) {
            return;
        }
        String wire = MailboxNames.encode(connection.serverName(mailbox));
        if (createAhead(mailbox, wire)) {
            return;
        }
        boolean exists = rawList(null, wire).stream().anyMatch(i -> i.canOpen);
        if (!exists) {
            create(mailbox);
        }
        exists(mailbox);
    }

    /**
     * CREATE written ahead, its answer read with the next command's (the journaled copy's STATUS):
     * one wait instead of a LIST and a CREATE before it. OK: the mailbox was made, logged and
     * SUBSCRIBEd (written ahead too); ALREADYEXISTS: it was there. Another refusal is kept for
     * {@link #uidNext}, whose STATUS then fails, to report the CREATE's answer.
     *
     * @return false where commands are not written ahead (one at a time, or a synchronizing literal)
     */
    private boolean createAhead(String mailbox, String wire) throws ImapException {
        if (!connection.canWriteAhead(wire)) {
            return false;
        }
        boolean[] written = {false};
        String description = connection.description();
        connection.storeCommand("CREATE", mailbox, p -> {
            if (!(p instanceof LineEndTolerantProtocol t)) {
                return null;
            }
            try {
                t.writeAhead("CREATE", ImapConnection.mailboxArgument(p, wire), r -> false, tagged -> {
                    if (tagged.isOK()) {
                        LOG.info("creating mailbox '{}' on {}", mailbox, description);
                        exists(mailbox);
                        connection.counter().increment("SUBSCRIBE");
                        try {
                            t.writeAhead("SUBSCRIBE", ImapConnection.mailboxArgument(p, wire), r -> false, answer -> {
                                if (!answer.isOK()) {
                                    LOG.warn("SUBSCRIBE '{}' refused by {}: {}", mailbox, description, answer);
                                }
                            });
                        } catch (java.io.IOException | org.eclipse.angus.mail.iap.ProtocolException e) {
                            LOG.warn("SUBSCRIBE '{}' on {} failed: {}", mailbox, description, e.toString());
                        }
                    } else if (!tagged.toString().toUpperCase(Locale.ROOT).contains("[ALREADYEXISTS]")) {
                        gone(mailbox);
                        createRefused.put(mailbox, tagged);
                    }
                });
            } catch (java.io.IOException e) {
                throw new org.eclipse.angus.mail.iap.ProtocolException("CREATE: " + e.getMessage(), e);
            }
            // there once the CREATE's answer is read, so a second call before that sends no second one
            exists(mailbox);
            written[0] = true;
            return null;
        });
        return written[0];
    }

    /** A CREATE written ahead and refused (not ALREADYEXISTS), by mailbox: the error to report. */
    private final Map<String, org.eclipse.angus.mail.iap.Response> createRefused = new HashMap<>();

    /** Whether this connection saw the mailbox exist (see {@link #existing}). */
    boolean knownToExist(String mailbox) {
        return existing.contains(key(mailbox));
    }

    /** The mailbox exists: a command naming it was acknowledged. */
    void exists(String mailbox) {
        existing.add(key(mailbox));
    }

    /** The server said the mailbox does not exist ({@code [TRYCREATE]}): another client deleted it. */
    void gone(String mailbox) {
        existing.remove(key(mailbox));
    }

    private static String key(String mailbox) {
        return mailbox.equalsIgnoreCase("INBOX") ? "INBOX" : mailbox;
    }

    /**
     * SUBSCRIBE a mailbox this connection has just created (its CREATE answered OK):
     * written ahead where commands are, so its answer is read in the next flight and costs no wait;
     * a refusal is logged (the mailbox exists and got its messages, it is only not shown).
     */
    void subscribeCreated(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(connection.serverName(mailbox));
        String description = connection.description();
        connection.storeCommand("SUBSCRIBE", mailbox, p -> {
            org.eclipse.angus.mail.iap.Argument args = ImapConnection.mailboxArgument(p, wire);
            java.util.function.Consumer<org.eclipse.angus.mail.iap.Response> done = tagged -> {
                if (!tagged.isOK()) {
                    LOG.warn("SUBSCRIBE '{}' refused by {}: {}", mailbox, description, tagged);
                }
            };
            boolean literal = !connection.hasCapability("LITERAL+") && (p.supportsUtf8() || !isPlainAscii(wire));
            if (p instanceof LineEndTolerantProtocol t && connection.canWriteAhead(wire)) {
                try {
                    t.writeAhead("SUBSCRIBE", args, r -> false, done);
                } catch (java.io.IOException e) {
                    throw new org.eclipse.angus.mail.iap.ProtocolException("SUBSCRIBE: " + e.getMessage(), e);
                }
            } else {
                done.accept(Wire.pipeline(p, List.of(new Wire.Pipelined("SUBSCRIBE", args, r -> false,
                        wire.length() * 4 + 40, literal)), r -> { }).get(0));
            }
            return null;
        });
    }

    /**
     * CREATE a mailbox the server said does not exist ({@code [TRYCREATE]}, RFC 3501 section 6.4.7),
     * and SUBSCRIBE it once the CREATE is answered OK (written ahead: no wait of its own), so that a
     * mailbox another client made meanwhile keeps its subscription as its user set it.
     */
    void create(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(connection.serverName(mailbox));
        connection.storeCommand("CREATE", mailbox, p -> {
            boolean literal = !connection.hasCapability("LITERAL+") && (p.supportsUtf8() || !isPlainAscii(wire));
            p.handleResult(Wire.pipeline(p, List.of(new Wire.Pipelined("CREATE", ImapConnection.mailboxArgument(p, wire),
                    r -> false, wire.length() * 4 + 40, literal)), r -> { }).get(0));
            return null;
        });
        LOG.info("creating mailbox '{}' on {}", mailbox, connection.description());
        exists(mailbox);
        subscribeCreated(mailbox);
    }

    private static boolean isPlainAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** See {@link ImapConnection#uidNext}. */
    long uidNext(String mailbox) throws ImapException {
        try {
            return status(mailbox);
        } catch (ImapException e) {
            org.eclipse.angus.mail.iap.Response refused = createRefused.remove(mailbox);
            if (refused == null) {
                throw e;
            }
            throw Failures.of(new org.eclipse.angus.mail.iap.CommandFailedException(refused),
                    "CREATE " + mailbox + " on " + connection.description(), connection.guard());
        } finally {
            createRefused.remove(mailbox);
        }
    }

    private long status(String mailbox) throws ImapException {
        String wire = MailboxNames.encode(connection.serverName(mailbox));
        long[] next = {-1};
        connection.storeCommand("STATUS", mailbox, p -> {
            Wire.run(p, "STATUS", ImapConnection.mailboxArgument(p, wire).writeAtom("(UIDNEXT)"), r -> {
                if (r instanceof IMAPResponse ir && ir.keyEquals("STATUS")) {
                    next[0] = new org.eclipse.angus.mail.imap.protocol.Status(ir).uidnext;
                    return true;
                }
                return false;
            }, r -> { });
            return null;
        });
        if (next[0] < 1) {
            throw new ImapException("STATUS " + mailbox + " on " + connection.description() + " gave no UIDNEXT",
                    null, null);
        }
        return next[0];
    }

    private List<ListInfo> rawList(String selection, String wirePattern) throws ImapException {
        String command = selection == null ? "LIST" : "LIST " + selection;
        @SuppressWarnings("unchecked")
        List<ListInfo> infos = (List<ListInfo>) connection.storeCommand("LIST", wirePattern, p -> {
            List<ListInfo> out = new ArrayList<>();
            Argument args = new Argument().writeString("").writeString(wirePattern);
            Wire.run(p, command, args, r -> {
                if (r instanceof IMAPResponse ir && ir.keyEquals("LIST")) {
                    out.add(new ListInfo(ir));
                    return true;
                }
                return false;
            }, r -> { });
            return out;
        });
        return infos;
    }

    private char separatorOf(ListInfo info) throws ImapException {
        return info.separator != '\0' ? info.separator : separator();
    }
}
