package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.FaultProxy.Fault;
import org.mailtidy.testsupport.TestMessage;

/**
 * Another client changes or expunges messages between mailtidy's read and its store (the proxy runs
 * {@code doveadm} just before forwarding the store). With CONDSTORE (RFC 7162) mailtidy never
 * overwrites or acts on a change it did not see; it leaves those messages to the next run. Also: a
 * UIDVALIDITY change in the middle of a run stops it at once.
 */
@Tag("dovecot")
class ConcurrentChangeIT {
    private static final Dovecot DOVECOT = Dovecot.get();
    private static final Instant DAY = Instant.parse("2026-03-02T10:00:00Z");

    private FaultProxy proxy;
    private String user;

    @BeforeEach
    void start() {
        user = DOVECOT.newUser("race");
        proxy = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static List<TestMessage> messages(String subject, int n, String... flags) {
        List<TestMessage> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(TestMessage.of(subject + " " + i).withMessageId("<" + subject.replace(' ', '-') + i + "@race.test>")
                    .withInternalDate(DAY).withFlags(flags));
        }
        return list;
    }

    private Config config(String rules) {
        return EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), proxy.port(), user, Dovecot.password(user)) + "rules:\n"
                + rules);
    }

    private Map<String, String> inbox() {
        return EndToEnd.byMessageId(DOVECOT, user, "INBOX");
    }

    @Test
    void setFlagsNeverOverwritesAChangeItDidNotSee() {
        DOVECOT.writeMaildir(user, "INBOX", messages("reset", 4, "\\Seen"));
        proxy.arm(Fault.hook("^UID STORE", () -> DOVECOT.addFlags(user, "INBOX", 2, "\\Flagged")));
        Config config = config("""
                  - name: reset
                    match: {subject: reset}
                    set_flags: [Reset]
                """);

        RunResult first = EndToEnd.once(config).get(0);

        assertThat(first.ok()).as("%s", first).isTrue();
        assertThat(first.notes()).singleElement().asString().contains("1 message was changed by another client");
        assertThat(proxy.commands()).anyMatch(c -> c.matches("\\S+ UID STORE 1:4 \\(UNCHANGEDSINCE \\d+\\) FLAGS.SILENT \\(Reset\\)"));
        assertThat(inbox()).containsEntry("<reset2@race.test>", "[\\Flagged, \\Seen]")
                .containsEntry("<reset1@race.test>", "[Reset]").containsEntry("<reset4@race.test>", "[Reset]");
        // the refused store is not counted: matched 4, flags changed 3
        assertThat(first.ruleStats()).singleElement().satisfies(st -> {
            assertThat(st.matched()).isEqualTo(4);
            assertThat(st.flagsChanged()).isEqualTo(3);
        });

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        assertThat(inbox()).containsEntry("<reset2@race.test>", "[Reset]");
    }

    @Test
    void mailtidysOwnEarlierStoresInTheRunAreNotMistakenForAnotherClients() {
        DOVECOT.writeMaildir(user, "INBOX", messages("copy", 2, "\\Seen"));
        Config config = config("""
                  - name: stamp
                    match: {subject: copy}
                    set_flags: [Stamped]
                    copy_to: Copies
                  - name: more
                    match: {subject: copy}
                    add_flags: [\\Flagged, Extra]
                """);

        RunResult run = EndToEnd.once(config).get(0);

        assertThat(run.ok()).as("%s", run).isTrue();
        assertThat(run.notes()).isEmpty();
        // The second store's guard is the mod-sequence the first one returned, not the one SELECT gave.
        List<Long> guards = proxy.commands().stream().filter(c -> c.contains("UNCHANGEDSINCE"))
                .map(c -> Long.parseLong(c.replaceAll(".*UNCHANGEDSINCE (\\d+).*", "$1"))).toList();
        assertThat(guards).hasSize(2);
        assertThat(guards.get(1)).isGreaterThan(guards.get(0));
        assertThat(inbox()).containsEntry("<copy1@race.test>", "[Extra, Stamped, \\Flagged]")
                .containsEntry("<copy2@race.test>", "[Extra, Stamped, \\Flagged]");
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Copies")).containsEntry("<copy1@race.test>", "[Stamped]");
    }

    @Test
    void aRulesFlagsGoInOneStoreAndOnlyTheMessageAnotherClientChangedIsLeftAlone() {
        DOVECOT.writeMaildir(user, "INBOX", messages("news", 4, "$Junk"));
        proxy.arm(Fault.hook("^UID STORE", () -> DOVECOT.addFlags(user, "INBOX", 2, "\\Flagged")));
        Config config = config("""
                  - name: newsletters-read
                    match: {subject: news}
                    add_flags: [\\Seen, $Newsletter]
                    remove_flags: [$Junk]
                """);

        RunResult first = EndToEnd.once(config).get(0);

        assertThat(first.ok()).as("%s", first).isTrue();
        assertThat(first.notes()).singleElement().asString().contains("1 message was changed by another client");
        // The rule's adds and its removal in one STORE of each message's flags as read with the change
        // applied (docs/adr/0016), guarded by SELECT's mod-sequence: the server refuses message 2,
        // which another client changed since, and stores the others.
        List<String> stores = proxy.commands().stream().filter(c -> c.contains("UID STORE"))
                .map(c -> c.replaceFirst("^\\S+ ", "")).toList();
        assertThat(stores).singleElement().asString()
                .matches("UID STORE 1:4 \\(UNCHANGEDSINCE \\d+\\) FLAGS.SILENT \\(\\$Newsletter \\\\Seen\\)");
        assertThat(inbox()).containsEntry("<news1@race.test>", "[$Newsletter, \\Seen]")
                .containsEntry("<news2@race.test>", "[$Junk, \\Flagged]")
                .containsEntry("<news4@race.test>", "[$Newsletter, \\Seen]");

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        assertThat(inbox()).containsEntry("<news2@race.test>", "[$Newsletter, \\Flagged, \\Seen]");
    }

    @Test
    void aMessageTheUserFlaggedAfterTheSearchIsNotDeleted() {
        DOVECOT.writeMaildir(user, "INBOX", messages("old", 3));
        proxy.arm(Fault.hook("^UID STORE .*\\\\Deleted", () -> DOVECOT.addFlags(user, "INBOX", 2, "\\Flagged")));
        Config config = config("""
                  - name: purge
                    match: {subject: old, flagged: false}
                    delete: true
                """);

        RunResult first = EndToEnd.once(config).get(0);

        assertThat(first.ok()).as("%s", first).isTrue();
        assertThat(inbox()).containsOnlyKeys("<old2@race.test>").containsEntry("<old2@race.test>", "[\\Flagged]");
        // The UID EXPUNGE goes in the flight of the \Deleted store (docs/adr/0011), so it names every
        // message of that store; the one another client changed has no \Deleted and stays.
        assertThat(proxy.commands()).anyMatch(c -> c.matches("\\S+ UID EXPUNGE 1:3"));
        assertThat(first.ruleStats()).singleElement().satisfies(st -> assertThat(st.deleted()).isEqualTo(2));
        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        assertThat(inbox()).containsOnlyKeys("<old2@race.test>");
    }

    @Test
    void aMessageChangedBeforeItsMoveStaysForTheNextRun() {
        DOVECOT.writeMaildir(user, "INBOX", messages("file", 3));
        proxy.arm(Fault.hook("^UID STORE", () -> DOVECOT.addFlags(user, "INBOX", 3, "Urgent")));
        Config config = config("""
                  - name: file
                    match: {subject: file}
                    set_flags: [Filed]
                    move_to: Filed
                """);

        RunResult first = EndToEnd.once(config).get(0);

        assertThat(first.ok()).as("%s", first).isTrue();
        assertThat(inbox()).containsOnlyKeys("<file3@race.test>").containsEntry("<file3@race.test>", "[Urgent]");
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Filed")).containsOnlyKeys("<file1@race.test>",
                "<file2@race.test>");
        assertThat(first.ruleStats()).singleElement().satisfies(st -> {
            assertThat(st.flagsChanged()).isEqualTo(2);
            assertThat(st.moved()).isEqualTo(2);
        });

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        assertThat(inbox()).isEmpty();
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Filed")).hasSize(3)
                .containsEntry("<file3@race.test>", "[Filed]");
    }

    @Test
    void aMessageExpungedByAnotherClientBeforeTheStoreIsSkipped() {
        DOVECOT.writeMaildir(user, "INBOX", messages("tag", 3));
        proxy.arm(Fault.hook("^UID STORE", () -> DOVECOT.expunge(user, "INBOX", 2)));
        Config config = config("""
                  - name: tag
                    match: {subject: tag}
                    add_flags: [Tagged]
                    move_to: Tagged
                """);

        List<RunResult> first = EndToEnd.once(config);

        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Tagged")).containsOnly(
                Map.entry("<tag1@race.test>", "[Tagged]"), Map.entry("<tag3@race.test>", "[Tagged]"));
        assertThat(inbox()).isEmpty();
        assertThat(first).allMatch(RunResult::ok);
    }

    @Test
    void aUidValidityChangeInTheMiddleOfARunStopsIt() {
        DOVECOT.writeMaildir(user, "INBOX", messages("news", 3));
        proxy.arm(Fault.inject("^UID STORE", "* OK [UIDVALIDITY 1] the mailbox was recreated\r\n"));
        Config config = config("""
                  - name: news
                    match: {subject: news}
                    add_flags: [\\Seen]
                    move_to: News
                """);

        RunResult first = EndToEnd.once(config).get(0);

        assertThat(first.ok()).isFalse();
        assertThat(first.error()).hasValueSatisfying(e -> assertThat(e).contains("UIDVALIDITY changed"));
        assertThat(proxy.commands()).noneMatch(c -> c.contains("UID MOVE") || c.contains("UID EXPUNGE"));
        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        assertThat(EndToEnd.byMessageId(DOVECOT, user, "News")).hasSize(3);
    }

    @Test
    void aMailboxRecreatedBetweenRunsIsReadAfresh() {
        DOVECOT.writeMaildir(user, "Lists", messages("list", 3));
        Config config = EndToEnd.config("version: 1\naccounts:\n"
                + EndToEnd.account("main", DOVECOT.host(), DOVECOT.imapPort(), user, Dovecot.password(user)) + """
                rules:
                  - name: lists
                    mailbox: Lists
                    match: {subject: list 2}
                    delete: true
                """);
        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);
        DOVECOT.deleteMailbox(user, "Lists");
        DOVECOT.writeMaildir(user, "Lists", messages("other", 3));

        assertThat(EndToEnd.once(config)).allMatch(RunResult::ok);

        assertThat(EndToEnd.byMessageId(DOVECOT, user, "Lists")).containsOnlyKeys("<other1@race.test>",
                "<other2@race.test>", "<other3@race.test>");
    }
}
