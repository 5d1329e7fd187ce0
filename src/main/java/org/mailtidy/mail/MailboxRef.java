package org.mailtidy.mail;

import java.util.Objects;

/** One mailbox of one account: the pair that names a mailbox run, a job, a cache and an audit. */
public record MailboxRef(String account, String mailbox) {
    public MailboxRef {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(mailbox, "mailbox");
    }

    /** {@code account/mailbox}, as the log line and the status page show it. */
    @Override
    public String toString() {
        return account + "/" + mailbox;
    }
}
