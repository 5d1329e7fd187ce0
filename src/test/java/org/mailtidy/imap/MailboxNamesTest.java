package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxNamesTest {

    @Test
    void translatesTheSeparatorBothWays() {
        assertThat(MailboxNames.toServer("Archive/2024", '.')).isEqualTo("Archive.2024");
        assertThat(MailboxNames.fromServer("Archive.2024", '.')).isEqualTo("Archive/2024");
        assertThat(MailboxNames.toServer("Archive/2024", '/')).isEqualTo("Archive/2024");
    }

    @Test
    void inboxIsCaseInsensitive() {
        assertThat(MailboxNames.toServer("inbox", '.')).isEqualTo("INBOX");
        assertThat(MailboxNames.toServer("Inbox/Sub", '.')).isEqualTo("INBOX.Sub");
    }

    @Test
    void encodesModifiedUtf7AsRfc3501Shows() {
        // RFC 3501 section 5.1.3 example
        assertThat(MailboxNames.encode("~peter/mail/台北/日本語")).isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assertThat(MailboxNames.encode("Entwürfe & Co")).isEqualTo("Entw&APw-rfe &- Co");
        assertThat(MailboxNames.decode("Entw&APw-rfe &- Co")).isEqualTo("Entwürfe & Co");
        assertThat(MailboxNames.encode("Arch*")).isEqualTo("Arch*");
    }
}
