package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Secrets are read only on request, and neither errors nor logs show them. */
class SecretsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Secrets.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    @Test
    void literalIsItself() throws Exception {
        assertThat(Secrets.read(new SecretSource.Literal("s3cret"), TIMEOUT)).isEqualTo("s3cret");
    }

    @Test
    void fileGivesItsFirstLineAndWarnsWhenOthersMayReadIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "s3cret\r\nsecond line\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(Secrets.read(new SecretSource.FromFile(file), TIMEOUT)).isEqualTo("s3cret");

        assertThat(log.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
            assertThat(e.getFormattedMessage()).isEqualTo("password file " + file
                    + " is readable by group or others; restrict it with chmod 600").doesNotContain("s3cret");
        });
    }

    @Test
    void privateFileGivesNoWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "s3cret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(Secrets.read(new SecretSource.FromFile(file), TIMEOUT)).isEqualTo("s3cret");
        assertThat(log.list).isEmpty();
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        Path file = dir.resolve("absent");

        assertThatThrownBy(() -> Secrets.read(new SecretSource.FromFile(file), TIMEOUT))
                .isInstanceOf(SecretException.class)
                .hasMessage("cannot read password file " + file + ": NoSuchFileException");
    }

    @Test
    void commandGivesItsOutputWithoutTheTrailingNewline() throws Exception {
        SecretSource command = new SecretSource.FromCommand(List.of("printf", "s3cret\\n"));

        assertThat(Secrets.read(command, TIMEOUT)).isEqualTo("s3cret");
    }

    @Test
    void failingCommandSaysSoWithoutItsOutput() {
        SecretSource command = new SecretSource.FromCommand(List.of("sh", "-c", "echo s3cret; echo oops >&2; exit 3"));

        assertThatThrownBy(() -> Secrets.read(command, TIMEOUT))
                .isInstanceOf(SecretException.class)
                .hasMessage("password_command [sh, -c, echo s3cret; echo oops >&2; exit 3] failed with exit status 3");
    }

    @Test
    void slowCommandTimesOut() {
        SecretSource command = new SecretSource.FromCommand(List.of("sleep", "30"));
        long start = System.nanoTime();

        assertThatThrownBy(() -> Secrets.read(command, Duration.ofMillis(300)))
                .isInstanceOf(SecretException.class)
                .hasMessage("password_command [sleep, 30] did not finish within 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void unknownCommandCannotStart() {
        SecretSource command = new SecretSource.FromCommand(List.of("/nonexistent/mailtidy-pass"));

        assertThatThrownBy(() -> Secrets.read(command, TIMEOUT))
                .isInstanceOf(SecretException.class)
                .hasMessageStartingWith("password_command [/nonexistent/mailtidy-pass] could not be started: ");
    }

    @Test
    void commandRunsWithAMinimalEnvironmentWithoutOtherSecrets() throws Exception {
        List<String> outside = System.getenv().keySet().stream()
                .filter(n -> !Secrets.COMMAND_ENVIRONMENT.contains(n)).toList();
        assertThat(outside).as("variables of this JVM that a command must not see").isNotEmpty();
        assertThat(System.getenv()).containsKey("PATH");

        String env = Secrets.read(new SecretSource.FromCommand(List.of("env")), TIMEOUT);

        List<String> names = env.lines().map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).contains("PATH").allSatisfy(n -> assertThat(Secrets.COMMAND_ENVIRONMENT).contains(n));
        assertThat(names).doesNotContainAnyElementsOf(outside);
    }

    @Test
    void aCommandIsShownAsWrittenNotWithTheValuesOfItsVariables() {
        SecretSource command = new SecretSource.FromCommand(List.of("sh", "-c", "exit 3", "TOKEN=s3cret"),
                List.of("sh", "-c", "exit 3", "TOKEN=${TOKEN}"));

        assertThatThrownBy(() -> Secrets.read(command, TIMEOUT))
                .hasMessage("password_command [sh, -c, exit 3, TOKEN=${TOKEN}] failed with exit status 3");
    }
}
