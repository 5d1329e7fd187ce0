package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.testsupport.Await;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.testsupport.HostileImapServer;
import org.mailtidy.testsupport.HostileImapServer.Behaviour;

/**
 * Each misbehaviour of {@link HostileImapServer} against {@link ImapConnection} alone (no Dovecot):
 * the operation that meets it fails with {@link ImapException.ServerMisbehaved} or a lost
 * connection, and a message that names the server and what it sent.
 */
class HostileServerImapTest {
    private static final ServerLimits QUICK = ServerLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(2));

    private static ConnectionSettings settings(HostileImapServer server) {
        return server.settings().withLimits(QUICK);
    }

    /** Connects, selects INBOX, fetches the table and searches: what a mailbox run does first. */
    private static void run(HostileImapServer server) throws ImapException {
        try (ImapConnection c = ImapConnection.connect(settings(server));
             SelectedMailbox box = c.select("INBOX", false)) {
            box.fetchTable();
            box.uidSearch(List.of(new SearchArg.Atom("ALL")), false);
            box.store(new long[] {1}, StoreMode.ADD, List.of("\\Flagged"));
        }
    }

    private static void expectFailure(Behaviour behaviour, Class<? extends ImapException> type, String... texts) {
        try (HostileImapServer server = HostileImapServer.start(behaviour)) {
            assertThatThrownBy(() -> run(server)).isInstanceOf(type)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContainingAll(texts)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(server.misbehaved()).isTrue();
            assertThat(server.commands()).noneMatch(l -> l.contains("UID STORE"));
        }
    }

    /**
     * A flight of 2,000 searches of some 7,000 octets each (14 MB: more than the socket buffers of both
     * ends) to a server that stops reading at the first: the writer thread blocks in its write, the
     * reader meets the command deadline, and the closed socket ends the write (docs/adr/0018), so the
     * operation fails instead of hanging and no writer is left behind.
     */
    @Test
    void aServerThatStopsReadingMidFlightMeetsTheCommandDeadline() throws Exception {
        String text = "x".repeat(7_000);
        List<SearchRequest> searches = java.util.stream.IntStream.range(0, 2_000)
                .mapToObj(i -> new SearchRequest(List.of(new SearchArg.Atom("SUBJECT"), new SearchArg.Str(text + i)),
                        false))
                .toList();
        try (HostileImapServer server = HostileImapServer.start(Behaviour.STOPS_READING)) {
            assertThatThrownBy(() -> {
                try (ImapConnection c = ImapConnection.connect(settings(server));
                     SelectedMailbox box = c.select("INBOX", false)) {
                    box.uidSearchAll(searches, new long[] {1, 2, 3});
                }
            }).isInstanceOf(ImapException.class).hasMessageContaining("127.0.0.1:" + server.port());
            assertThat(server.misbehaved()).isTrue();
        }
        Await.await("no pipeline writer left", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet()
                .stream().noneMatch(t -> t.getName().equals("mailtidy-imap-writer")));
    }

    @Test
    void hugeLiteral() {
        expectFailure(Behaviour.HUGE_LITERAL, ImapException.ServerMisbehaved.class,
                "UID FETCH in INBOX failed:", "sent a 2,000,000,000-octet literal (limit 50 MB); disconnected");
    }

    @Test
    void endlessLine() {
        expectFailure(Behaviour.ENDLESS_LINE, ImapException.ServerMisbehaved.class,
                "sent a response line longer than 1,048,612 octets");
    }

    @Test
    void hugeExists() {
        expectFailure(Behaviour.HUGE_EXISTS, ImapException.ServerMisbehaved.class,
                "SELECT INBOX on hostile@", "sent * 1,000,000,000 EXISTS (limit 2,000,000 messages per mailbox)");
    }

    @Test
    void slowTrickleMeetsTheCommandDeadline() {
        expectFailure(Behaviour.SLOW_TRICKLE, ImapException.ServerMisbehaved.class,
                "did not finish answering SELECT within 2s (command_timeout)");
    }

    @Test
    void slowGreetingMeetsTheLoginDeadline() {
        expectFailure(Behaviour.SLOW_GREETING, ImapException.ServerMisbehaved.class,
                "did not complete the greeting and login within 2s (login_timeout)");
    }

    @Test
    void randomBytesAfterLogin() {
        expectFailure(Behaviour.RANDOM_BYTES_AFTER_LOGIN, ImapException.ServerMisbehaved.class, "; disconnected");
    }

    @Test
    void connectionCutMidResponse() {
        expectFailure(Behaviour.CUT_MID_RESPONSE, ImapException.ConnectionLost.class,
                "UID FETCH in INBOX failed: the connection to");
    }

    @Test
    void hugeSearch() {
        expectFailure(Behaviour.HUGE_SEARCH, ImapException.ServerMisbehaved.class,
                "answered with more UIDs than the 3 messages the mailbox holds");
    }

    @Test
    void byeMidCommand() {
        expectFailure(Behaviour.BYE_MID_COMMAND, ImapException.ConnectionLost.class, "server shutting down");
    }

    @Test
    void manyKeywords() {
        expectFailure(Behaviour.MANY_KEYWORDS, ImapException.ServerMisbehaved.class,
                "sent 100,000 flags for UID 1 (limit 1,000)");
    }

    @Test
    void uidValidityChangeStopsTheChanges() {
        try (HostileImapServer server = HostileImapServer.start(Behaviour.UIDVALIDITY_CHANGE)) {
            assertThatThrownBy(() -> run(server)).isInstanceOf(ImapException.UidValidityChanged.class);
            assertThat(server.commands()).noneMatch(l -> l.contains("UID STORE"));
        }
    }

    @Test
    void aConnectionCanBeAbortedFromAnotherThread() throws Exception {
        try (HostileImapServer server = HostileImapServer.start(Behaviour.SLOW_TRICKLE)) {
            ConnectionSettings patient = server.settings().withLimits(ServerLimits.DEFAULTS);
            try (ImapConnection c = ImapConnection.connect(patient)) {
                Thread aborter = new Thread(() -> {
                    try {
                        Await.await("the server to start trickling", Duration.ofSeconds(10), server::misbehaved);
                    } catch (InterruptedException e) {
                        return;
                    }
                    c.abort();
                });
                aborter.start();
                assertThatThrownBy(() -> c.select("INBOX", false)).isInstanceOf(ImapException.ConnectionLost.class);
                aborter.join();
            }
        }
    }
}
