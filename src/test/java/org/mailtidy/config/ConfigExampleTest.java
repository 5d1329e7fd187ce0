package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Criterion.And;
import org.mailtidy.rules.Criterion.FlagIs;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.FlagChange;

/**
 * The contract's worked example and the sample configuration load into the expected records.
 */
class ConfigExampleTest {

    static Path example() throws URISyntaxException {
        return Path.of(ConfigExampleTest.class.getResource("/config/config-example.yaml").toURI());
    }

    @Test
    void contractExampleLoads() throws Exception {
        Config c = ConfigLoader.load(Files.readString(example()), Path.of("config-example.yaml"),
                Map.of("MAILTIDY_PERSONAL_PASSWORD", "pw"));

        assertThat(c.accounts()).containsOnlyKeys("personal", "work");
        assertThat(c.account("personal").port()).isEqualTo(993);
        assertThat(c.account("personal").secret()).isEqualTo(new SecretSource.Literal("pw"));
        assertThat(c.account("work").port()).isEqualTo(143);
        assertThat(c.account("work").tls()).isEqualTo(Account.Tls.STARTTLS);
        assertThat(c.account("work").secret()).isEqualTo(new SecretSource.FromCommand(List.of("pass", "show", "mail/work")));
        assertThat(c.defaults().timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.defaults().schedule().text()).isEqualTo("every 15m");
        assertThat(c.safety().maxDeletesPerRun()).isEqualTo(500);
        assertThat(c.rules()).extracting(RuleConfig::name).containsExactly("newsletters-read-after-a-week",
                "unflag-stale", "invoices", "purge-old-read-newsletters", "archive-lists");

        RuleConfig newsletters = c.rules().get(0);
        assertThat(newsletters.spec().match()).isEqualTo(new And(List.of(
                new Criterion.Or(List.of(new Criterion.Text(Criterion.TextField.FROM, "newsletter@"),
                        new Criterion.Header("List-Id", "announce"))),
                new FlagIs(Flag.SEEN, false),
                new Criterion.Age(Duration.ofDays(7), true))));
        assertThat(newsletters.spec().flagChange()).isEqualTo(new FlagChange.Delta(Set.of(Flag.SEEN), Set.of()));
        assertThat(newsletters.schedule().orElseThrow().text()).isEqualTo("every 15m");

        RuleConfig invoices = c.rules().get(2);
        assertThat(invoices.spec().match()).isEqualTo(new And(List.of(
                new Criterion.HeaderRegex("Subject", Pattern.compile("(?i)\\binvoice\\b")),
                new Criterion.Not(new FlagIs(Flag.of("Paid"), true)))));
        assertThat(invoices.spec().flagChange())
                .isEqualTo(new FlagChange.Replace(Set.of(Flag.SEEN, Flag.FLAGGED, Flag.of("Invoice"))));
        assertThat(invoices.spec().stop()).isTrue();

        RuleConfig purge = c.rules().get(3);
        assertThat(purge.schedule().orElseThrow().text()).isEqualTo("0 3 * * *");
        assertThat(purge.spec().disposition()).isEqualTo(Disposition.DELETE);

        RuleConfig archive = c.rules().get(4);
        assertThat(archive.accounts()).hasToString("work");
        assertThat(archive.mailboxes()).containsExactly("Lists/*");
        assertThat(archive.spec().disposition()).isEqualTo(new Disposition.MoveTo("Archive/Lists"));
        assertThat(archive.line()).isEqualTo(53);
    }

    @Test
    void sampleConfigurationLoads() throws Exception {
        Path sample = Path.of("config/mailtidy.yaml");
        Config c = ConfigLoader.load(Files.readString(sample), sample, Map.of("MAILTIDY_PASSWORD", "pw"));

        assertThat(c.rules()).hasSize(7);
        RuleConfig boss = c.rules().get(0);
        assertThat(boss.onArrival()).isTrue();
        assertThat(boss.schedule()).isPresent();
        assertThat(c.rules().get(2).spec().copyTo()).contains("Accounting/Invoices");
        assertThat(c.rules().get(4).spec().disposition()).isEqualTo(Disposition.TRASH);
        assertThat(c.rules().get(6).enabled()).isFalse();
        assertThat(c.account("personal").trashMailbox()).contains("Trash");
        assertThat(c.safety()).isEqualTo(new Safety(false, 200, Optional.empty(), false));
    }
}
