package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.FaultProxy.Action;
import org.mailtidy.testsupport.FaultProxy.Fault;
import org.mailtidy.testsupport.TestMessage;

/**
 * A fault-injecting proxy between mailtidy and Dovecot breaks one command of a run. Whatever
 * breaks: the mailbox's run fails with a clear error and no exception escapes, the next mailbox of
 * the account still runs, nothing that no rule chose is expunged, and a second, undisturbed run
 * leaves exactly the mailboxes that one undisturbed run leaves.
 */
@Tag("dovecot")
class FaultInjectionIT {
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final Instant DAY = Instant.parse("2026-03-01T10:00:00Z");
    private static final List<TestMessage> INBOX = inbox();
    private static final List<TestMessage> WORK = List.of(message("w1", "plan"), message("w2", "review"));
    private static final String[] MAILBOXES = {"INBOX", "Archive/News", "Work"};
    private static Map<String, Map<String, String>> undisturbed;

    private FaultProxy proxy;

    private static TestMessage message(String id, String subject) {
        return TestMessage.of(subject).withMessageId("<" + id + "@fault.test>").withInternalDate(DAY);
    }

    private static List<TestMessage> inbox() {
        List<TestMessage> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(message("boss" + i, "quarterly " + i).withFrom("Boss <boss@corp.example>"));
            list.add(message("news" + i, "news digest " + i));
            list.add(message("spam" + i, "cheap spam " + i));
            list.add(message("reset" + i, "reset me " + i).withFlags("\\Seen", "Old" + i));
            list.add(message("keep" + i, "hello " + i));
        }
        // Another client marked this one \Deleted; no rule chooses it, so it must survive every run.
        list.add(message("theirs", "their deleted mail").withFlags("\\Deleted"));
        list.add(message("spam-marked", "spam already marked").withFlags("\\Deleted", "\\Seen"));
        return list;
    }

    private static String rules() {
        return """
                rules:
                  - name: flag-boss
                    match: {from: boss@corp.example}
                    add_flags: [\\Flagged, Important]
                  - name: reset
                    match: {subject: reset me}
                    set_flags: [Reset]
                  - name: archive-news
                    match: {subject: news digest}
                    add_flags: [\\Seen]
                    move_to: Archive/News
                  - name: drop-spam
                    match: {subject: spam}
                    delete: true
                  - name: tag-work
                    mailbox: Work
                    match: {all_messages: true}
                    add_flags: [Work]
                """;
    }

    private static String newUser() {
        String user = DOVECOT.newUser("fault");
        DOVECOT.writeMaildir(user, "INBOX", INBOX);
        DOVECOT.writeMaildir(user, "Work", WORK);
        DOVECOT.createMailbox(user, "Archive");
        return user;
    }

    private static Config config(String user, int port) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), port, user, Dovecot.password(user)) + rules());
    }

    private static Map<String, Map<String, String>> mailboxes(String user) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        for (String m : MAILBOXES) {
            out.put(m, EndToEnd.byMessageId(DOVECOT, user, m));
        }
        return out;
    }

    @BeforeAll
    static void undisturbedRun() {
        String user = newUser();
        List<RunResult> results = EndToEnd.once(config(user, DOVECOT.imapPort()));
        assertThat(results).allMatch(RunResult::ok);
        undisturbed = mailboxes(user);
        assertThat(undisturbed.get("INBOX")).containsKey("<theirs@fault.test>")
                .doesNotContainKeys("<spam0@fault.test>", "<spam-marked@fault.test>", "<news0@fault.test>");
        assertThat(undisturbed.get("INBOX").get("<reset1@fault.test>")).isEqualTo("[Reset]");
        assertThat(undisturbed.get("Archive/News")).containsEntry("<news2@fault.test>", "[\\Seen]");
        // The rules reach a fixed point: a second undisturbed run changes nothing.
        assertThat(EndToEnd.once(config(user, DOVECOT.imapPort()))).allMatch(RunResult::ok);
        assertThat(mailboxes(user)).isEqualTo(undisturbed);
    }

    @AfterEach
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("drop after SELECT, before the table FETCH", Fault.of("^UID FETCH 1:\\*", 1, Action.DROP_BEFORE)),
                Arguments.of("drop in the middle of the table FETCH", Fault.of("^UID FETCH 1:\\*", 1, Action.DROP_MID_RESPONSE)),
                Arguments.of("drop before SEARCH", Fault.of("^UID SEARCH", 1, Action.DROP_BEFORE)),
                Arguments.of("drop during SEARCH", Fault.of("^UID SEARCH", 1, Action.DROP_AFTER)),
                Arguments.of("drop before the first STORE", Fault.of("^UID STORE", 1, Action.DROP_BEFORE)),
                Arguments.of("drop after the first STORE ran, before its answer", Fault.of("^UID STORE", 1, Action.DROP_AFTER)),
                Arguments.of("drop between two STOREs", Fault.of("^UID STORE", 2, Action.DROP_BEFORE)),
                Arguments.of("drop before MOVE", Fault.of("^UID MOVE", 1, Action.DROP_BEFORE)),
                Arguments.of("drop after MOVE ran, before its answer", Fault.of("^UID MOVE", 1, Action.DROP_AFTER)),
                Arguments.of("drop before marking \\Deleted", Fault.of("^UID STORE .*\\\\Deleted", 1, Action.DROP_BEFORE)),
                Arguments.of("drop before EXPUNGE", Fault.of("^UID EXPUNGE", 1, Action.DROP_BEFORE)),
                Arguments.of("drop after EXPUNGE ran, before its answer", Fault.of("^UID EXPUNGE", 1, Action.DROP_AFTER)),
                Arguments.of("NO to SELECT", Fault.of("^SELECT", 1, Action.NO)),
                Arguments.of("BAD to SEARCH", Fault.of("^UID SEARCH", 1, Action.BAD)),
                Arguments.of("NO to STORE", Fault.of("^UID STORE", 1, Action.NO)),
                // Archive/News is missing: the MOVE's flight creates it (a CREATE in front), the MOVE is refused.
                Arguments.of("NO to MOVE", Fault.of("^UID MOVE", 1, Action.NO)),
                Arguments.of("NO to EXPUNGE", Fault.of("^UID EXPUNGE", 1, Action.NO)),
                Arguments.of("BYE instead of the STORE's answer", Fault.of("^UID STORE", 2, Action.BYE)),
                Arguments.of("stall on MOVE (read timeout)", Fault.of("^UID MOVE", 1, Action.STALL)),
                Arguments.of("garbage inside the table FETCH", Fault.inject("^UID FETCH 1:\\*",
                        "* 1 FETCH (UID \u00ff\u0000 FLAGS ((( garbage\r\n")));
    }

    /** A line that is not IMAP reads as a tagged answer to some other command and is ignored (RFC 3501 section 7). */
    @org.junit.jupiter.api.Test
    void aGarbageLineBetweenResponsesIsIgnored() {
        String user = newUser();
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(Fault.inject("^UID STORE", "\u0001\u00fe)( not IMAP at all\r\n"));

        List<RunResult> results = EndToEnd.once(config(user, proxy.port()));

        assertThat(proxy.fired()).isTrue();
        assertThat(results).allMatch(RunResult::ok);
        assertThat(mailboxes(user)).isEqualTo(undisturbed);
    }

    /**
     * The CREATE in front of the MOVE to the missing Archive/News is refused (not ALREADYEXISTS), so the
     * MOVE is refused with TRYCREATE: the destination is created and the MOVE sent again, as when the
     * server's first answer was TRYCREATE. Nothing is lost and the run completes.
     */
    @ParameterizedTest(name = "{0} to the CREATE in front of a MOVE")
    @org.junit.jupiter.params.provider.EnumSource(value = Action.class, names = {"NO", "BAD"})
    void aRefusedCreateInFrontOfAMoveFallsBackToTryCreate(Action refusal) {
        String user = newUser();
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(Fault.of("^CREATE", 1, refusal));

        List<RunResult> results = EndToEnd.once(config(user, proxy.port()));

        assertThat(proxy.fired()).as("the fault fired; commands:\n%s", proxy.transcript()).isTrue();
        assertThat(results).as("%s", results).allMatch(RunResult::ok);
        assertThat(proxy.transcript()).as(proxy.transcript()).containsSubsequence(
                "CREATE Archive.News", "UID MOVE", "CREATE Archive.News", "UID MOVE", "SUBSCRIBE Archive.News");
        assertThat(mailboxes(user)).isEqualTo(undisturbed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void theNextRunCompletesTheWorkOfARunBrokenBy(String what, Fault fault) {
        String user = newUser();
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
        proxy.arm(fault);
        Config config = config(user, proxy.port());

        long start = System.nanoTime();
        List<RunResult> broken = EndToEnd.once(config);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(proxy.fired()).as("the fault fired; commands:\n%s", proxy.transcript()).isTrue();
        RunResult inbox = EndToEnd.result(broken, "INBOX");
        assertThat(inbox.ok()).as("INBOX run: %s", inbox).isFalse();
        assertThat(inbox.error()).hasValueSatisfying(e -> assertThat(e).contains("INBOX").doesNotContain(
                Dovecot.password(user)));
        assertThat(EndToEnd.result(broken, "Work").ok()).as("the other mailbox is unaffected: %s", broken).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        if (fault.action() == Action.STALL) {
            assertThat(inbox.error()).hasValue("UID MOVE in INBOX failed: the server did not answer within the"
                    + " account's read_timeout; the connection was closed");
        }
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "INBOX")).as("no message that no rule chose is expunged")
                .containsKeys(keepers());

        List<RunResult> next = EndToEnd.once(config);

        assertThat(next).allMatch(RunResult::ok);
        assertThat(mailboxes(user)).isEqualTo(undisturbed);
    }

    private static String[] keepers() {
        return INBOX.stream().map(TestMessage::messageId)
                .filter(id -> !id.startsWith("<spam") && !id.startsWith("<news")).toArray(String[]::new);
    }
}
