package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Criterion.And;
import org.mailtidy.rules.Criterion.DateOp;
import org.mailtidy.rules.Criterion.FlagIs;
import org.mailtidy.rules.Criterion.Not;
import org.mailtidy.rules.Criterion.Or;
import org.mailtidy.rules.Criterion.Text;
import org.mailtidy.rules.Criterion.TextField;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.FlagChange;

/** Files that load, and what they load into. None of these files has a schedule. */
class ConfigLoaderTest {

    private static final String ACCOUNT = """
            version: 1
            accounts:
              work:
                host: imap.example.org
                username: alice
                password: ${MAILTIDY_PASSWORD}
            """;
    private static final Map<String, String> ENV = Map.of("MAILTIDY_PASSWORD", "s3cret", "IMAP_PORT", "1143");

    private static Config load(String yaml) throws ConfigException {
        return ConfigLoader.load(yaml, Path.of("mailtidy.yaml"), ENV);
    }

    private static Config loadRules(String rules) throws ConfigException {
        return load(ACCOUNT + "rules:\n" + rules);
    }

    private static Criterion match(String match) throws ConfigException {
        return loadRules("  - name: r\n    match: " + match + "\n    stop: true\n").rules().get(0).spec().match();
    }

    @Test
    void appliesEveryDefault() throws Exception {
        Config c = loadRules("  - name: r\n    match: {seen: true}\n    add_flags: [\\Flagged]\n");

        Account a = c.account("work");
        assertThat(a).isEqualTo(new Account("work", "imap.example.org", 993, Account.Tls.IMPLICIT, "alice",
                new SecretSource.Literal("s3cret"), Account.AuthMechanism.LOGIN, Optional.empty(), Optional.empty(),
                false, Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(120)));
        RuleConfig r = c.rules().get(0);
        assertThat(r.accounts()).hasToString("work");
        assertThat(r.mailboxes()).containsExactly("INBOX");
        assertThat(r.schedule()).contains(new Schedule.Every("every 15m", Duration.ofMinutes(15)));
        assertThat(r.enabled()).isTrue();
        assertThat(r.onArrival()).isFalse();
        assertThat(r.line()).isEqualTo(8);
        assertThat(r.spec().flagChange()).isEqualTo(new FlagChange.Delta(Set.of(Flag.FLAGGED), Set.of()));
        assertThat(r.spec().disposition()).isEqualTo(Disposition.KEEP);
        assertThat(r.spec().copyTo()).isEmpty();
        assertThat(r.spec().stop()).isFalse();
        assertThat(c.defaults()).isEqualTo(new Defaults(new Schedule.Every("every 15m", Duration.ofMinutes(15)),
                ZoneId.systemDefault()));
        assertThat(c.safety()).isEqualTo(new Safety(false, 1000, Optional.empty(), false));
        assertThat(c.audit()).isEmpty();
        assertThat(c.http()).isEmpty();
        assertThat(c.cluster()).isEmpty();
        assertThat(c.file()).isEqualTo(Path.of("mailtidy.yaml"));
    }

    @Test
    void expandsAnUnquotedVariableBeforeReadingANumber() throws Exception {
        Config c = load(ACCOUNT.replace("    username", "    port: ${IMAP_PORT}\n    tls: starttls\n    username")
                + "rules: []\n");

        assertThat(c.account("work").port()).isEqualTo(1143);
        assertThat(c.account("work").tls()).isEqualTo(Account.Tls.STARTTLS);
    }

    @Test
    void startTlsDefaultsToPort143() throws Exception {
        Config c = load(ACCOUNT.replace("    username", "    tls: starttls\n    username") + "rules: []\n");

        assertThat(c.account("work").port()).isEqualTo(143);
    }

    @Test
    void doubleDollarWritesALiteralDollarBrace() throws Exception {
        assertThat(match("{subject: 'costs $${HOME} and $5'}"))
                .isEqualTo(new Text(TextField.SUBJECT, "costs ${HOME} and $5"));
    }

    @Test
    void arrivalRuleWithoutScheduleRunsOnlyOnArrival() throws Exception {
        RuleConfig r = loadRules("  - name: r\n    on: arrival\n    match: {from: boss@}\n    add_flags: [\\Flagged]\n")
                .rules().get(0);

        assertThat(r.onArrival()).isTrue();
        assertThat(r.schedule()).isEmpty();
    }

    @Test
    void readsUnquotedDatesAsDates() throws Exception {
        assertThat(match("{received_before: 2026-01-01, sent_on: 2025-02-28, received_since: 2024-02-29}"))
                .isEqualTo(new And(List.of(
                        new Criterion.ReceivedDate(DateOp.BEFORE, LocalDate.of(2026, 1, 1)),
                        new Criterion.SentDate(DateOp.ON, LocalDate.of(2025, 2, 28)),
                        new Criterion.ReceivedDate(DateOp.SINCE, LocalDate.of(2024, 2, 29)))));
    }

    @Test
    void yaml11BooleanWordsStayStrings() throws Exception {
        Config c = loadRules("""
                  - name: r
                    mailbox: off
                    match: {subject: no, keyword: yes, from: on}
                    add_flags: [off]
                    move_to: no
                """);

        RuleConfig r = c.rules().get(0);
        assertThat(r.mailboxes()).containsExactly("off");
        assertThat(r.spec().match()).isEqualTo(new And(List.of(new Text(TextField.SUBJECT, "no"),
                new FlagIs(Flag.of("yes"), true), new Text(TextField.FROM, "on"))));
        assertThat(r.spec().flagChange()).isEqualTo(new FlagChange.Delta(Set.of(Flag.of("off")), Set.of()));
        assertThat(r.spec().disposition()).isEqualTo(new Disposition.MoveTo("no"));
    }

    @Test
    void aSingleCriterionStandsForItself() throws Exception {
        assertThat(match("{flagged: false}")).isEqualTo(new FlagIs(Flag.FLAGGED, false));
        assertThat(match("{any: [{from: a@x.example}]}")).isEqualTo(new Text(TextField.FROM, "a@x.example"));
    }

    @Test
    void compoundCriteriaNestAsWritten() throws Exception {
        Criterion c = match("""

                      any:
                        - {from: newsletter@, larger: 10MB}
                        - header: {List-Id: announce, X-Spam: ''}
                      not: {keyword: [Paid, $Done]}
                      all: [{older_than: 1y}, {sent_older_than: 2w}]
                      smaller: 500KB
                """.stripTrailing());

        assertThat(c).isEqualTo(new And(List.of(
                new Or(List.of(
                        new And(List.of(new Text(TextField.FROM, "newsletter@"), new Criterion.Size(10L << 20, true))),
                        new And(List.of(new Criterion.Header("List-Id", "announce"), new Criterion.Header("X-Spam", ""))))),
                new Not(new And(List.of(new FlagIs(Flag.of("Paid"), true), new FlagIs(Flag.of("$Done"), true)))),
                new And(List.of(new Criterion.Age(Duration.ofDays(365), true), new Criterion.SentAge(14, true))),
                new Criterion.Size(500L << 10, false))));
    }

    @Test
    void regexCriteriaNameTheirHeaderField() throws Exception {
        Criterion c = match("{from_regex: '^J.rgen', to_regex: x, subject_regex: '(?i)\\binvoice\\b',"
                + " header_regex: {X-Mailer: ^Outlook}}");

        assertThat(c).isEqualTo(new And(List.of(
                new Criterion.HeaderRegex("From", Pattern.compile("^J.rgen")),
                new Criterion.HeaderRegex("To", Pattern.compile("x")),
                new Criterion.HeaderRegex("Subject", Pattern.compile("(?i)\\binvoice\\b")),
                new Criterion.HeaderRegex("X-Mailer", Pattern.compile("^Outlook")))));
    }

    @Test
    void everyCriterionKeyIsRead() throws Exception {
        Criterion c = match("{to: a, cc: b, bcc: c, body: d, text: e, answered: true, deleted: false, draft: true,"
                + " newer_than: 90m, sent_newer_than: 1y, sent_before: 2020-01-01, sent_since: 2020-01-02,"
                + " received_on: 2020-01-03, all_messages: true}");

        assertThat(((And) c).parts()).containsExactly(
                new Text(TextField.TO, "a"), new Text(TextField.CC, "b"), new Text(TextField.BCC, "c"),
                new Text(TextField.BODY, "d"), new Text(TextField.TEXT, "e"), new FlagIs(Flag.ANSWERED, true),
                new FlagIs(Flag.DELETED, false), new FlagIs(Flag.DRAFT, true),
                new Criterion.Age(Duration.ofMinutes(90), false), new Criterion.SentAge(365, false),
                new Criterion.SentDate(DateOp.BEFORE, LocalDate.of(2020, 1, 1)),
                new Criterion.SentDate(DateOp.SINCE, LocalDate.of(2020, 1, 2)),
                new Criterion.ReceivedDate(DateOp.ON, LocalDate.of(2020, 1, 3)), new Criterion.All());
    }

    @Test
    void flagsAreCanonicalisedAndSetFlagsMayBeEmpty() throws Exception {
        Config c = loadRules("""
                  - name: a
                    match: {seen: true}
                    add_flags: [\\SEEN, '\\flagged', $Junk]
                    remove_flags: \\Draft
                  - name: b
                    match: {all_messages: true}
                    set_flags: []
                    copy_to: Archive/2026
                    trash: true
                """);

        assertThat(c.rules().get(0).spec().flagChange()).isEqualTo(new FlagChange.Delta(
                Set.of(Flag.SEEN, Flag.FLAGGED, Flag.of("$Junk")), Set.of(Flag.DRAFT)));
        assertThat(c.rules().get(1).spec().flagChange()).isEqualTo(new FlagChange.Replace(Set.of()));
        assertThat(c.rules().get(1).spec().copyTo()).contains("Archive/2026");
        assertThat(c.rules().get(1).spec().disposition()).isEqualTo(Disposition.TRASH);
    }

    @Test
    void stopAloneIsAnActionAndDisabledRulesAreKept() throws Exception {
        Config c = loadRules("  - {name: shield, enabled: false, match: {flagged: true}, stop: true}\n");

        assertThat(c.rules()).singleElement().satisfies(r -> {
            assertThat(r.enabled()).isFalse();
            assertThat(r.spec().stop()).isTrue();
        });
        assertThat(c.enabledRules()).isEmpty();
    }

    @Test
    void mailboxesAreUtf8WithSlashes() throws Exception {
        RuleConfig r = loadRules("  - {name: r, mailboxes: [Lists/*, Entwürfe, '%'], match: {seen: true}, delete: true}\n")
                .rules().get(0);

        assertThat(r.mailboxes()).containsExactly("Lists/*", "Entwürfe", "%");
        assertThat(r.spec().disposition()).isEqualTo(Disposition.DELETE);
    }

    @Test
    void plaintextIsAllowedToLoopbackOrWhenAllowed() throws Exception {
        Config c = load("""
                version: 1
                accounts:
                  a: {host: localhost, tls: none, username: u, password: p}
                  b: {host: 127.0.0.2, tls: none, username: u, password: p}
                  c: {host: '::1', tls: none, username: u, password: p}
                  d: {host: imap.lan, tls: none, allow_plaintext: true, username: u, password: p}
                rules: []
                """);

        assertThat(c.accounts().values()).extracting(Account::port).containsExactly(143, 143, 143, 143);
        assertThat(c.account("d").allowPlaintext()).isTrue();
    }

    @Test
    void readsEveryAccountKey() throws Exception {
        Config c = load("""
                version: 1
                accounts:
                  cmd:
                    host: mail.example.com
                    port: 10993
                    username: bob
                    password_command: [pass, show, 'mail/work']
                    trash_mailbox: Deleted Items
                    ca_file: /etc/mailtidy/ca.pem
                    connect_timeout: 5s
                    read_timeout: 2m
                  file: {host: h.example, username: u, password_file: /run/secrets/imap, auth: xoauth2}
                  gmail:
                    host: imap.gmail.com
                    username: alice@gmail.com
                    auth: xoauth2
                    oauth2:
                      provider: google
                      client_id: id.apps.googleusercontent.com
                      client_secret_file: /etc/mailtidy/google-secret
                      refresh_token_file: /var/lib/mailtidy/gmail.token
                  corp:
                    host: imap.corp.example
                    username: carol
                    auth: oauthbearer
                    oauth2: {token_url: 'https://login.corp.example/token', client_id: c, refresh_token: r, scope: mail}
                rules: []
                """);

        Account cmd = c.account("cmd");
        assertThat(cmd.secret()).isEqualTo(new SecretSource.FromCommand(List.of("pass", "show", "mail/work")));
        assertThat(cmd.port()).isEqualTo(10993);
        assertThat(cmd.trashMailbox()).contains("Deleted Items");
        assertThat(cmd.caFile()).contains(Path.of("/etc/mailtidy/ca.pem"));
        assertThat(cmd.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cmd.readTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.account("file").secret()).isEqualTo(new SecretSource.FromFile(Path.of("/run/secrets/imap")));
        assertThat(c.account("file").auth()).isEqualTo(Account.AuthMechanism.XOAUTH2);
        Account gmail = c.account("gmail");
        assertThat(gmail.secret()).isEqualTo(new SecretSource.None());
        assertThat(gmail.oauth2()).contains(new Account.OAuth2(Optional.of("google"),
                Optional.of("https://oauth2.googleapis.com/token"), "id.apps.googleusercontent.com",
                Optional.of(new SecretSource.FromFile(Path.of("/etc/mailtidy/google-secret"))),
                new SecretSource.FromFile(Path.of("/var/lib/mailtidy/gmail.token")),
                Optional.of(Path.of("/var/lib/mailtidy/gmail.token")), Optional.of("https://mail.google.com/")));
        assertThat(c.account("corp").oauth2()).contains(new Account.OAuth2(Optional.empty(),
                Optional.of("https://login.corp.example/token"), "c", Optional.empty(),
                new SecretSource.Literal("r"), Optional.empty(), Optional.of("mail")));
    }

    @Test
    void readsTheOtherSections() throws Exception {
        Config c = load(ACCOUNT + """
                rules: []
                defaults: {timezone: Europe/Berlin}
                safety:
                  dry_run: true
                  max_deletes_per_run: 0
                  backup_dir: /var/lib/mailtidy/backup
                  expunge_without_uidplus: true
                audit: {file: /var/lib/mailtidy/audit.jsonl}
                http: {listen: '[::1]:9464'}
                cluster:
                  jdbc_url: jdbc:postgresql://db.example.org:5432/mailtidy
                  username: mailtidy
                  password: ${MAILTIDY_PASSWORD}
                """);

        assertThat(c.defaults().timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.safety()).isEqualTo(new Safety(true, 0, Optional.of(Path.of("/var/lib/mailtidy/backup")), true));
        assertThat(c.audit()).contains(new Audit(Path.of("/var/lib/mailtidy/audit.jsonl")));
        assertThat(c.http()).contains(new HttpListen("::1", 9464));
        assertThat(c.cluster()).contains(new Cluster("jdbc:postgresql://db.example.org:5432/mailtidy", "mailtidy",
                new SecretSource.Literal("s3cret")));
    }

    @Test
    void mergeKeysShareCriteria() throws Exception {
        Config c = loadRules("""
                  - name: a
                    match: &old {seen: true, older_than: 30d}
                    add_flags: [Old]
                  - name: b
                    match: {<<: *old, flagged: false}
                    delete: true
                """);

        assertThat(c.rules().get(1).spec().match()).isEqualTo(new And(List.of(new FlagIs(Flag.FLAGGED, false),
                new FlagIs(Flag.SEEN, true), new Criterion.Age(Duration.ofDays(30), true))));
    }

    @Test
    void neverRunsAPasswordCommandWhileLoading(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        load("""
                version: 1
                accounts:
                  a: {host: h.example, username: u, password_command: [touch, '%s']}
                rules: []
                """.formatted(marker));

        assertThat(marker).doesNotExist();
    }

    @Test
    void loadsAFileWithAByteOrderMark(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.yaml");
        Files.writeString(file, "\uFEFFversion: 1\naccounts: {a: {host: h.example, username: u, password: p}}\nrules: []\n");

        assertThat(ConfigLoader.load(file).accounts()).containsOnlyKeys("a");
    }
}
