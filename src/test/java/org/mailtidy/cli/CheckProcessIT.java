package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mailtidy check} as a user runs it: a separate process, the password from the
 * environment, on the contract's example file.
 */
class CheckProcessIT {

    record Result(int status, String out) {
    }

    static Result mailtidy(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("MAILTIDY_CONFIG");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void theContractsExampleIsValidAndEachRuleShowsItsSearchAndNextFireTimes() throws Exception {
        Result r = mailtidy(java.util.Map.of("MAILTIDY_PERSONAL_PASSWORD", "s3cret-value"), "check", "-c",
                "src/test/resources/config/config-example.yaml");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("valid: 2 accounts, 5 rules")
                .contains("search:    UID SEARCH OR FROM \"newsletter@\" HEADER List-Id \"announce\" UNSEEN OLDER 604800")
                .contains("search:    UID SEARCH [client: Subject =~ /(?i)\\binvoice\\b/] NOT KEYWORD Paid")
                .contains("schedule:  0 3 * * *")
                .containsPattern("next: +2\\d{3}-\\d\\d-\\d\\d 03:00 CES?T, .*03:00 CES?T, .*03:00 CES?T")
                .doesNotContain("s3cret-value");
    }

    @Test
    void withoutThePasswordVariableTheFileIsInvalid() throws Exception {
        Result r = mailtidy(java.util.Map.of(), "check", "-c", "src/test/resources/config/config-example.yaml");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("config-example.yaml:").contains("MAILTIDY_PERSONAL_PASSWORD");
    }

    @Test
    void withoutSecretsTheExampleIsValidAndSaysWhatItDidNotCheck() throws Exception {
        Result r = mailtidy(java.util.Map.of(), "check", "--no-secrets", "-c", "src/test/resources/config/config-example.yaml");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("config-example.yaml:8: accounts.personal.password: ${MAILTIDY_PERSONAL_PASSWORD} is not set")
                .contains("config-example.yaml:14: accounts.work.password_command: the command [pass, show, mail/work] is not run")
                .contains("  ok    an unread newsletter is read after a week and purged after 90 days")
                .contains("  ok    an unpaid invoice is flagged and kept");
    }

    @Test
    void theSampleConfigurationOfTheRepositoryIsValid() throws Exception {
        Result r = mailtidy(java.util.Map.of("MAILTIDY_PASSWORD", "x"), "check", "-c", "config/mailtidy.yaml");
        assertThat(r.status()).as(r.out()).isZero();
    }
}
