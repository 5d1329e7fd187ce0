package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schedule errors as the loader reports them: the parser's message, placed at the value with its
 * key path. The parser's exact wording belongs to {@link ScheduleParser}; this class checks the
 * wrapping, and the exact text once both branches are merged.
 */
class ConfigScheduleErrorsTest {

    private static final String ACCOUNT = """
            version: 1
            accounts:
              work: {host: imap.example.org, username: alice, password: x}
            """;

    @Test
    void crontabFieldOutOfRangeIsPlacedAtTheRulesSchedule() {
        String yaml = ACCOUNT + """
                rules:
                  - name: nightly
                    schedule: "61 3 * * *"
                    match: {seen: true}
                    delete: true
                """;
        String parserMessage = parserMessage("61 3 * * *");

        assertThatThrownBy(() -> ConfigLoader.load(yaml, Path.of("mailtidy.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mailtidy.yaml:6:15: rules[0].schedule: " + parserMessage);
    }

    @Test
    void badDefaultScheduleIsPlacedAtDefaults() {
        String yaml = ACCOUNT + """
                rules:
                  - {name: r, match: {seen: true}, delete: true}
                defaults:
                  schedule: every fortnight
                """;

        assertThatThrownBy(() -> ConfigLoader.load(yaml, Path.of("mailtidy.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mailtidy.yaml:7:13: defaults.schedule: " + parserMessage("every fortnight"));
    }

    @Test
    void aRuleWithoutScheduleGetsTheDefaultsSchedule() throws Exception {
        String yaml = ACCOUNT + """
                rules:
                  - {name: r, match: {seen: true}, delete: true}
                  - {name: s, schedule: "0 3 * * *", match: {seen: true}, stop: true}
                defaults:
                  schedule: every 1h
                """;

        Config config = ConfigLoader.load(yaml, Path.of("mailtidy.yaml"), Map.of());

        assertThat(config.rules().get(0).schedule().orElseThrow().text()).isEqualTo("every 1h");
        assertThat(config.rules().get(1).schedule().orElseThrow().text()).isEqualTo("0 3 * * *");
        assertThat(config.defaults().schedule().text()).isEqualTo("every 1h");
    }

    private static String parserMessage(String schedule) {
        try {
            ScheduleParser.parse(schedule);
            throw new AssertionError("ScheduleParser accepted " + schedule);
        } catch (ScheduleParser.InvalidSchedule e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.getMessage();
        }
    }
}
