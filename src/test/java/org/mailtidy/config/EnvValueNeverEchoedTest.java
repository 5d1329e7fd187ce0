package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A secret put under the wrong key ({@code port: ${SECRET}}) is never echoed: every scalar value of
 * a configuration that uses every section is replaced, one at a time, by {@code ${SECRET}}, and no
 * error message of the load holds the secret's value.
 */
class EnvValueNeverEchoedTest {
    private static final String EXTRA = """

            http: {listen: 127.0.0.1:9464}
            audit: {file: /var/lib/mailtidy/audit.jsonl}
            cluster:
              jdbc_url: jdbc:postgresql://db.example.org:5432/mailtidy
              username: mailtidy
              password_file: /etc/mailtidy/db-password
            """;

    @Test
    void noErrorMessageShowsTheValueOfAVariable() throws Exception {
        String base = Files.readString(Path.of("src/test/resources/config/config-example.yaml")) + EXTRA;
        List<ScalarNode> scalars = new ArrayList<>();
        values(new Yaml(new LoaderOptions()).compose(new java.io.StringReader(base)), scalars);
        int rejected = 0;
        for (String secret : List.of("hunter2-Zq9x", "Zq9x 70000 /tmp", "*/5 * * * ?-Zq9x")) {
            for (ScalarNode node : scalars) {
                String yaml = base.substring(0, node.getStartMark().getIndex()) + "\"${SECRET}\""
                        + base.substring(node.getEndMark().getIndex());
                try {
                    ConfigLoader.load(yaml, Path.of("mailtidy.yaml"),
                            Map.of("SECRET", secret, "MAILTIDY_PERSONAL_PASSWORD", "x"));
                } catch (ConfigException e) {
                    rejected++;
                    assertThat(e.getMessage()).as("value %s of line %d", node.getValue(),
                            node.getStartMark().getLine() + 1).doesNotContain(secret);
                    for (ConfigError error : e.errors()) {
                        assertThat(error.toString()).doesNotContain(secret).doesNotContain("Zq9x");
                    }
                }
            }
        }
        // the check is not vacuous: most keys reject such a value
        assertThat(rejected).isGreaterThan(scalars.size());
    }

    @Test
    void theMessageNamesTheVariable() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load("""
                version: 1
                accounts:
                  a: {host: h.example, port: "${IMAP_PASSWORD}", username: u, password: p}
                rules:
                  - {name: r, schedule: every 1h, match: {seen: true}, add_flags: [X]}
                """, Path.of("m.yaml"), Map.of("IMAP_PASSWORD", "s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("accounts.a.port: expected")
                .hasMessageContaining("the value of ${IMAP_PASSWORD} is not shown")
                .hasMessageNotContaining("s3cret");
    }

    private static void values(Node node, List<ScalarNode> out) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                values(t.getValueNode(), out);
            }
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(n -> values(n, out));
        } else if (node instanceof ScalarNode s && !s.getValue().isEmpty()) {
            out.add(s);
        }
    }
}
