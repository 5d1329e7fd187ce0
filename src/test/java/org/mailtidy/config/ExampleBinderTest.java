package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Flag;

/** {@code tests:} binds every field of an example, with the contract's defaults. */
class ExampleBinderTest {

    private static final String HEAD = """
            version: 1
            accounts:
              personal:
                host: imap.example.org
                username: alice
                password: x
            rules:
              - name: archive
                mailboxes: [Lists/*]
                match: {seen: true}
                move_to: Archive
            """;

    private static Config load(String tests) throws ConfigException {
        return ConfigLoader.load(HEAD + tests, Path.of("mailtidy.yaml"), Map.of());
    }

    @Test
    void everyFieldIsRead() throws Exception {
        Config c = load("""
                tests:
                  - name: a list message is archived
                    account: personal
                    mailbox: Lists/dev
                    message:
                      from: Weekly <newsletter@shop.example>
                      to: alice@example.org
                      cc: bob@example.org
                      subject: Your weekly deals
                      headers: {List-Id: <deals.shop.example>, X-Spam: ""}
                      flags: [\\Seen, $Newsletter]
                      received: 2026-01-31 14:30
                      sent: 2026-01-30T23:59:00+01:00
                      size: 20KB
                      body: |
                        Hello
                    expect:
                      rules: [archive]
                      result: moved
                      moved_to: Archive
                      flags: [\\Seen, $Newsletter]
                      copied_to: []
                """);

        Example e = c.tests().get(0);
        assertThat(e.name()).isEqualTo("a list message is archived");
        assertThat(e.account()).isEqualTo("personal");
        assertThat(e.mailbox()).isEqualTo("Lists/dev");
        assertThat(e.line()).isEqualTo(13);
        Example.Message m = e.message();
        assertThat(m.from()).contains("Weekly <newsletter@shop.example>");
        assertThat(m.to()).contains("alice@example.org");
        assertThat(m.cc()).contains("bob@example.org");
        assertThat(m.subject()).contains("Your weekly deals");
        assertThat(m.headers()).containsExactly(Map.entry("List-Id", "<deals.shop.example>"), Map.entry("X-Spam", ""));
        assertThat(m.flags()).containsExactlyInAnyOrder(Flag.SEEN, Flag.of("$Newsletter"));
        assertThat(m.received()).isEqualTo(new ExampleTime.At(LocalDateTime.of(2026, 1, 31, 14, 30), Optional.empty()));
        assertThat(m.sent()).contains(new ExampleTime.At(LocalDateTime.of(2026, 1, 30, 23, 59), Optional.of(ZoneOffset.ofHours(1))));
        assertThat(m.size()).isEqualTo(20 * 1024);
        assertThat(m.body()).isEqualTo("Hello\n");
        assertThat(e.expect()).isEqualTo(new Example.Expectation(Optional.of(List.of("archive")), Example.Result.MOVED,
                Optional.of("Archive"), Optional.of(Set.of(Flag.SEEN, Flag.of("$Newsletter"))), Optional.of(List.of())));
    }

    @Test
    void defaultsAreTheOnlyAccountInboxTwoKilobytesAndSentWhenReceived() throws Exception {
        Config c = load("""
                tests:
                  - name: minimal
                    message: {received: 120d ago}
                    expect: {result: kept}
                """);

        Example e = c.tests().get(0);
        assertThat(e.account()).isEqualTo("personal");
        assertThat(e.mailbox()).isEqualTo("INBOX");
        assertThat(e.message().size()).isEqualTo(2048);
        assertThat(e.message().sent()).isEmpty();
        assertThat(e.message().from()).isEmpty();
        assertThat(e.message().flags()).isEmpty();
        assertThat(e.message().received()).isEqualTo(new ExampleTime.Ago(Duration.ofDays(120)));
        assertThat(e.expect().rules()).isEmpty();
        assertThat(e.expect().flags()).isEmpty();
        assertThat(e.expect().copiedTo()).isEmpty();
    }

    @Test
    void timesResolveInTheConfiguredZone() throws Exception {
        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(ExampleBinder.time("2d ago").resolve(now, berlin).toInstant()).isEqualTo(Instant.parse("2026-03-08T12:00:00Z"));
        assertThat(ExampleBinder.time("now").resolve(now, berlin).toInstant()).isEqualTo(now);
        assertThat(ExampleBinder.time("2026-01-31").resolve(now, berlin).toInstant())
                .isEqualTo(Instant.parse("2026-01-30T23:00:00Z"));
        assertThat(ExampleBinder.time("2026-01-31 14:30").resolve(now, berlin).toInstant())
                .isEqualTo(Instant.parse("2026-01-31T13:30:00Z"));
        assertThat(ExampleBinder.time("2026-01-31T14:30:05Z").resolve(now, berlin).toInstant())
                .isEqualTo(Instant.parse("2026-01-31T14:30:05Z"));
        assertThat(ExampleBinder.time("2026-01-31T14:30-05:00").resolve(now, berlin).toLocalDate())
                .isEqualTo(LocalDate.of(2026, 1, 31));
    }

    @Test
    void theContractsExampleCarriesTwoTests() throws Exception {
        Config c = ConfigLoader.load(Files.readString(ConfigExampleTest.example()), Path.of("config-example.yaml"),
                Map.of("MAILTIDY_PERSONAL_PASSWORD", "pw"));

        assertThat(c.tests()).extracting(Example::name).containsExactly(
                "an unread newsletter is read after a week and purged after 90 days", "an unpaid invoice is flagged and kept");
        assertThat(c.tests().get(0).expect().rules())
                .contains(List.of("newsletters-read-after-a-week", "purge-old-read-newsletters"));
        assertThat(c.tests().get(1).expect().flags()).contains(Set.of(Flag.SEEN, Flag.FLAGGED, Flag.of("Invoice")));
    }
}
