package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken files end quickly in a clear error, never in an exception or a hang. */
class ConfigLimitsTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final Path NAME = Path.of("mailtidy.yaml");

    @Test
    void twoMegabyteFileIsTooLarge(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.yaml");
        Files.writeString(file, "version: 1\n# " + "x".repeat(2 * 1024 * 1024) + "\n");

        ConfigException e = assertTimeoutPreemptively(ONE_SECOND,
                () -> catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)));

        assertThat(e.getMessage()).isEqualTo(file + ":1:1: file too large: 2097166 bytes;"
                + " a configuration file may have at most 1048576 bytes (1 MB)");
    }

    @Test
    void twoMegabyteStringIsTooLarge() {
        String yaml = "version: 1\n# " + "x".repeat(2 * 1024 * 1024) + "\n";

        ConfigException e = assertTimeoutPreemptively(ONE_SECOND, () -> fails(yaml));

        assertThat(e.getMessage()).startsWith("mailtidy.yaml:1:1: file too large: 2097166 bytes;");
    }

    @Test
    void billionLaughsIsStoppedByTheAliasLimit() {
        StringBuilder yaml = new StringBuilder("version: 1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            String prev = "*a" + (i - 1);
            yaml.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }

        ConfigException e = assertTimeoutPreemptively(ONE_SECOND, () -> fails(yaml.toString()));

        assertThat(e.getMessage()).isEqualTo(
                "mailtidy.yaml:8:35: YAML error: Number of aliases for non-scalar nodes exceeds the specified max=50");
    }

    /** Two aliases per level stay under the alias limit but still expand to 2^40 nodes. */
    @Test
    void narrowAliasBombIsStoppedByTheExpansionLimit() {
        StringBuilder yaml = new StringBuilder("version: 1\nb0: &b0 [lol, lol]\n");
        for (int i = 1; i <= 24; i++) {
            yaml.append("b").append(i).append(": &b").append(i).append(" [*b").append(i - 1)
                    .append(", *b").append(i - 1).append("]\n");
        }

        ConfigException e = assertTimeoutPreemptively(ONE_SECOND, () -> fails(yaml.toString()));

        assertThat(e.getMessage()).isEqualTo("mailtidy.yaml:1:1: the document has more than 200000 values"
                + " (counting each use of an alias); a configuration needs far fewer");
    }

    @Test
    void recursiveAliasIsAnError() {
        ConfigException e = assertTimeoutPreemptively(ONE_SECOND, () -> fails("version: 1\nloop: &r [*r]\n"));

        assertThat(e.getMessage()).isEqualTo(
                "mailtidy.yaml:2:7: YAML error: an alias refers to a node that contains it (a recursive structure)");
    }

    @Test
    void deepNestingIsAnError() {
        String yaml = "version: 1\nrules: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

        ConfigException e = assertTimeoutPreemptively(ONE_SECOND, () -> fails(yaml));

        assertThat(e.getMessage()).isEqualTo("mailtidy.yaml:2:57: YAML error: Nesting Depth exceeded max 50");
    }

    @Test
    void invalidUtf8IsReportedWithItsPosition(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "version: 1\nrules:\n  - name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ":3:14: the file is not valid UTF-8 (save it as UTF-8)");
    }

    @Test
    void missingFileIsOneErrorWithoutPosition(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ": no such file");
        assertThat(e.errors()).singleElement().satisfies(err -> assertThat(err.line()).isZero());
    }

    private static ConfigException fails(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(yaml, NAME, Map.of()));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }
}
