package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;

/**
 * Regex outcomes in the mailbox cache (issue 6), read off Dovecot's rawlog: a message's header
 * fields are fetched once, by the first run that needs them, and never again.
 */
@Tag("dovecot")
class MailboxCacheRegexDovecotIT {
    private static final Pattern HEADER_FETCH = Pattern.compile("UID FETCH (\\S+) \\(UID BODY\\.PEEK\\[HEADER\\.FIELDS \\(([^)]*)\\)\\]\\)");
    private static final String RULES = """
            rules:
              - name: invoices
                match: {from: shop.example, subject_regex: 'Invoice INV-[0-9]*[13579]\\b'}
                add_flags: [$Invoice]
              - name: checked-billing
                match: {keyword: $Check, from_regex: '(?i)billing@'}
                add_flags: [$Billing]
            """;

    private final Dovecot dovecot = Dovecot.get();

    @TempDir
    Path temp;

    @Test
    void laterRunsFetchTheHeadersOfNewMailAndNewCandidatesOnly() throws Exception {
        String user = dovecot.newUser("cache-regex");
        List<SampleMail.Sample> samples = SampleMail.generate(604, user);
        dovecot.writeMaildir(user, "INBOX", samples.subList(0, 600).stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        Optional<StateDir> state = Optional.of(new StateDir(temp.resolve("state")));

        RunResult full = run(user, state);
        RunResult unchanged = run(user, state);
        for (SampleMail.Sample s : samples.subList(600, 604)) {
            dovecot.append(user, "INBOX", s.raw().toBytes());
        }
        RunResult newMail = run(user, state);
        for (long uid : new long[] {2, 5, 10}) {
            dovecot.addFlags(user, "INBOX", uid, "$Check");
        }
        RunResult newCandidates = run(user, state);
        RunResult again = run(user, state);

        assertThat(List.of(full, unchanged, newMail, newCandidates, again)).allSatisfy(r -> assertThat(r.error()).isEmpty());
        List<List<HeaderFetch>> fetches = headerFetchesPerRun(user);
        assertThat(fetches).hasSize(5);
        // samples 1 and 2 of every 12 are from shop.example: UIDs 2, 3, 14, 15, ...
        assertThat(uids(fetches.get(0))).hasSize(100).contains(2L, 3L, 14L, 15L, 590L, 591L);
        assertThat(fetches.get(1)).isEmpty();
        assertThat(fetches.get(2)).singleElement().satisfies(f -> assertThat(f.fields()).isEqualTo("Subject"));
        assertThat(uids(fetches.get(2))).containsExactly(602L, 603L);
        // $Check makes old messages candidates of a regex no run evaluated on them: only their From
        assertThat(fetches.get(3)).singleElement().satisfies(f -> assertThat(f.fields()).isEqualTo("From"));
        assertThat(uids(fetches.get(3))).containsExactly(2L, 5L, 10L);
        assertThat(fetches.get(4)).isEmpty();

        assertThat(withFlag(user, "$Invoice")).isEqualTo(expectedInvoices(604));
        assertThat(withFlag(user, "$Billing")).containsExactly(2L);
        assertThat(unchanged.ruleStats().get(0).matched()).isEqualTo(full.ruleStats().get(0).matched()).isPositive();
        assertThat(again.ruleStats()).extracting(s -> s.matched())
                .isEqualTo(newCandidates.ruleStats().stream().map(s -> s.matched()).toList());
        assertThat(again.ruleStats()).allSatisfy(s -> assertThat(s.flagsChanged()).isZero());
        List<Long> sent = dovecot.bytesSentByServer(user);
        System.out.printf("regex outcomes cached, 600 messages: server sent %d bytes (first run), %d (unchanged),"
                + " %d (4 new messages)%n", sent.get(0), sent.get(1), sent.get(2));
    }

    /** Sample i is UID i + 1; subjects "Invoice INV-i" belong to the samples i ≡ 1 (mod 12), all odd. */
    private static List<Long> expectedInvoices(int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < n; i += 12) {
            out.add(i + 1L);
        }
        return out;
    }

    /** One header FETCH: its UID set as sent and the field names. */
    record HeaderFetch(String uidSet, String fields) {
    }

    /** The UIDs a list of header FETCHes names. */
    static TreeSet<Long> uids(List<HeaderFetch> fetches) {
        TreeSet<Long> out = new TreeSet<>();
        for (HeaderFetch f : fetches) {
            for (String part : f.uidSet().split(",")) {
                String[] ends = part.split(":");
                long from = Long.parseLong(ends[0]);
                long to = Long.parseLong(ends[ends.length - 1]);
                for (long uid = from; uid <= to; uid++) {
                    out.add(uid);
                }
            }
        }
        return out;
    }

    /** The regex rules' header FETCH commands of each of the user's sessions, oldest first, from Dovecot's rawlog. */
    static List<List<HeaderFetch>> headerFetchesPerRun(Dovecot dovecot, String user) throws IOException {
        dovecot.rawCommands(user); // waits until Dovecot has written the session logs
        Path rawlog = dovecot.maildir(user, "INBOX").getParent().resolve("rawlog");
        List<List<HeaderFetch>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(rawlog)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".in")).sorted().collect(Collectors.toList())) {
                List<HeaderFetch> session = new ArrayList<>();
                Matcher m = HEADER_FETCH.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    // the audit's Message-ID fetch is not a regex rule's
                    if (!m.group(2).equals("Message-ID")) {
                        session.add(new HeaderFetch(m.group(1), m.group(2)));
                    }
                }
                out.add(session);
            }
        }
        return out;
    }

    private List<List<HeaderFetch>> headerFetchesPerRun(String user) throws IOException {
        return headerFetchesPerRun(dovecot, user);
    }

    private List<Long> withFlag(String user, String flag) {
        return dovecot.fetch(user, "INBOX").stream().filter(m -> m.flags().contains(flag)).map(StoredMessage::uid)
                .toList();
    }

    private RunResult run(String user, Optional<StateDir> state) throws Exception {
        Config config = EndToEnd.dovecotConfig(dovecot, user, false, RULES);
        RunSettings settings = new RunSettings(false, 100_000, Optional.empty(), false, Optional.empty(),
                ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), state);
        return EndToEnd.result(new OncePass(config, settings, Connections::open)
                .run(OncePass.selectRules(config, List.of(), null)), "INBOX");
    }
}
