package org.mailtidy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sealed types are dispatched by their visitors or {@code match} methods, so that a new case fails
 * compilation until every caller handles it; an {@code instanceof} test of one of their cases
 * compiles whatever cases exist. This ratchet allows the tests that remain where they are, and no
 * more (issue 18).
 */
class SealedDispatchTest {
    private static final Path MAIN = Path.of("src/main/java");

    /**
     * The tests still standing, per file: single-kind questions about a criterion (the type has a
     * visitor), and files that another change owns at the time of writing.
     */
    private static final Map<String, Integer> ALLOWED = Map.of(
            "org/mailtidy/engine/MailboxRun.java", 6,
            "org/mailtidy/engine/BatchExecutor.java", 5,
            "org/mailtidy/imap/SelectedMailbox.java", 4,
            "org/mailtidy/schedule/Daemon.java", 1,
            "org/mailtidy/rules/CriteriaKinds.java", 3,
            "org/mailtidy/rules/Explainer.java", 2,
            "org/mailtidy/rules/SearchKeys.java", 1);

    @Test
    void noNewInstanceofOverTheCasesOfASealedType() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        Pattern declared = Pattern.compile("sealed interface (\\w+)");
        List<String> sealed = sources.stream().flatMap(p -> matches(declared, read(p))).distinct().toList();
        assertThat(sealed).contains("Operation", "Disposition", "FlagChange", "Criterion", "SearchArg", "Schedule");
        Pattern test = Pattern.compile("instanceof\\s+(?:org\\.mailtidy\\.\\w+\\.)?(?:"
                + String.join("|", sealed) + ")\\.[A-Z]");

        Map<String, Integer> found = new TreeMap<>();
        for (Path p : sources) {
            long n = test.matcher(read(p)).results().count();
            if (n > 0) {
                found.put(MAIN.relativize(p).toString().replace('\\', '/'), (int) n);
            }
        }

        Map<String, Integer> tooMany = found.entrySet().stream()
                .filter(e -> e.getValue() > ALLOWED.getOrDefault(e.getKey(), 0))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(tooMany).as("instanceof over a sealed type's cases; use its visitor or match method")
                .isEmpty();
    }

    private static Stream<String> matches(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.results().map(r -> r.group(1));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
