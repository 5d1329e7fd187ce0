package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code src/test/resources/config/bad/} is a malformed configuration; the
 * {@code .expected} file beside it holds the exact message, one error per line.
 */
class ConfigErrorsTest {

    static final Map<String, String> ENV = Map.of("MAILTIDY_PASSWORD", "s3cret");

    static Stream<String> badFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(ConfigErrorsTest.class.getResource("/config/bad").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted().toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(40);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsExactly(String name) throws Exception {
        Path dir = Path.of(ConfigErrorsTest.class.getResource("/config/bad").toURI());
        String yaml = Files.readString(dir.resolve(name + ".yaml"));
        String expected = Files.readString(dir.resolve(name + ".expected")).strip();

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(yaml, Path.of("mailtidy.yaml"), ENV));

        assertThat(e).as("%s should not load", name).isNotNull();
        assertThat(e.getMessage()).isEqualTo(expected);
        assertThat(e.errors()).hasSize((int) expected.lines().count());
    }
}
