package org.mailtidy.imap;

/**
 * {@code APPEND mailbox (flags) "internal-date" {n}} (RFC 3501 section 6.3.11): puts a message back
 * with its flags and arrival time (undo, the demo mailbox, tests).
 */
final class Appends {
    private Appends() {
    }

    /** @return its UID from {@code APPENDUID} (RFC 4315), or 0 when the server has no UIDPLUS */
    static long append(ImapConnection connection, String mailbox, java.util.Collection<String> flags,
                       java.time.Instant internalDate, byte[] content) throws ImapException {
        String serverName = connection.serverName(mailbox);
        jakarta.mail.Flags f = new jakarta.mail.Flags();
        FlagNames.list(flags);  // refuses what is not a storable flag
        for (String flag : flags) {
            switch (flag.toLowerCase(java.util.Locale.ROOT)) {
                case "\\seen" -> f.add(jakarta.mail.Flags.Flag.SEEN);
                case "\\answered" -> f.add(jakarta.mail.Flags.Flag.ANSWERED);
                case "\\flagged" -> f.add(jakarta.mail.Flags.Flag.FLAGGED);
                case "\\deleted" -> f.add(jakarta.mail.Flags.Flag.DELETED);
                case "\\draft" -> f.add(jakarta.mail.Flags.Flag.DRAFT);
                default -> f.add(flag);
            }
        }
        org.eclipse.angus.mail.iap.Literal literal = new org.eclipse.angus.mail.iap.Literal() {
            @Override
            public int size() {
                return content.length;
            }

            @Override
            public void writeTo(java.io.OutputStream os) throws java.io.IOException {
                os.write(content);
            }
        };
        Object uid = connection.storeCommand("APPEND", mailbox, p -> {
            org.eclipse.angus.mail.imap.AppendUID a = p.appenduid(serverName, f,
                    internalDate == null ? null : java.util.Date.from(internalDate), literal);
            return a == null ? 0L : a.uid;
        });
        return (Long) uid;
    }
}
