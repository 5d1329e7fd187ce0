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

    private static final PersonalNamespace COURIER = new PersonalNamespace("INBOX.", '.');
    private static final PersonalNamespace DOVECOT = new PersonalNamespace("", '.');

    @Test
    void namesAreRelativeToThePersonalNamespace() {
        assertThat(MailboxNames.toServer("Lists/dev", COURIER)).isEqualTo("INBOX.Lists.dev");
        assertThat(MailboxNames.toServer("Lists/dev", DOVECOT)).isEqualTo("Lists.dev");
        assertThat(MailboxNames.toServer("Trash", COURIER)).isEqualTo("INBOX.Trash");
    }

    @Test
    void inboxAndNamesWrittenWithThePrefixAreTakenAsTheyAre() {
        assertThat(MailboxNames.toServer("INBOX", COURIER)).isEqualTo("INBOX");
        assertThat(MailboxNames.toServer("inbox", COURIER)).isEqualTo("INBOX");
        assertThat(MailboxNames.toServer("INBOX/Lists/dev", COURIER)).isEqualTo("INBOX.Lists.dev");
        assertThat(MailboxNames.toServer("Inbox/Lists/dev", COURIER)).isEqualTo("INBOX.Lists.dev");
        // Without a prefix, INBOX/x is a child of INBOX, as before.
        assertThat(MailboxNames.toServer("INBOX/Lists", DOVECOT)).isEqualTo("INBOX.Lists");
    }

    @Test
    void wildcardsAreListedUnderThePrefix() {
        assertThat(MailboxNames.toServer("Lists/*", COURIER)).isEqualTo("INBOX.Lists.*");
        assertThat(MailboxNames.toServer("%", COURIER)).isEqualTo("INBOX.%");
        assertThat(MailboxNames.toServer("INBOX/Lists/%", COURIER)).isEqualTo("INBOX.Lists.%");
        assertThat(MailboxNames.matches("*", "INBOX")).isTrue();
        assertThat(MailboxNames.matches("%", "INBOX")).isTrue();
        assertThat(MailboxNames.matches("Lists/*", "INBOX")).isFalse();
        assertThat(MailboxNames.matches("%", "Lists/dev")).isFalse();
    }

    @Test
    void serverNamesComeBackRelativeUnlessThePatternHadThePrefix() {
        assertThat(MailboxNames.fromServer("INBOX.Lists.dev", COURIER, false)).isEqualTo("Lists/dev");
        assertThat(MailboxNames.fromServer("INBOX.Lists.dev", COURIER, true)).isEqualTo("INBOX/Lists/dev");
        assertThat(MailboxNames.fromServer("INBOX", COURIER, false)).isEqualTo("INBOX");
        assertThat(MailboxNames.fromServer("Lists.dev", DOVECOT, false)).isEqualTo("Lists/dev");
        // Outside the personal namespace (Courier's shared folders) names keep their own prefix.
        assertThat(MailboxNames.fromServer("#shared.team", COURIER, false)).isEqualTo("#shared/team");
        for (String name : java.util.List.of("Lists/dev", "INBOX", "Trash", "Entwürfe/2024")) {
            assertThat(MailboxNames.fromServer(MailboxNames.toServer(name, COURIER), COURIER, false)).isEqualTo(name);
        }
    }

    @Test
    void writtenWithPrefixNeedsAPrefix() {
        assertThat(MailboxNames.writtenWithPrefix("INBOX/Lists", COURIER)).isTrue();
        assertThat(MailboxNames.writtenWithPrefix("Lists", COURIER)).isFalse();
        assertThat(MailboxNames.writtenWithPrefix("INBOX/Lists", DOVECOT)).isFalse();
    }
}
