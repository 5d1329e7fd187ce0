package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of broken variants of the contract's example: each must end in a valid
 * {@link Config} or a {@link ConfigException} with positioned errors, never in another exception,
 * within a second, and no message may show the password.
 */
class ConfigFuzzTest {

    private static final int CASES = 3000;
    private static final long SEED = 20_260_101L;
    private static final String SECRET = "pw-SECRET-4711";
    private static final Map<String, String> ENV = Map.of("MAILTIDY_PERSONAL_PASSWORD", SECRET);
    private static final String SPECIALS = ":-[]{},&*!|>\"'#%@`\\ \t\n$?<=~";

    @Test
    void mutatedExamplesLoadOrFailCleanly() throws Exception {
        List<String> base = baseLines();
        Random random = new Random(SEED);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < CASES; i++) {
                String yaml = mutate(base, random);
                outcomes[loadOnce(i, yaml) ? 0 : 1]++;
            }
        });
        // Both outcomes occur, or the mutations would be too weak (or too strong) to test anything.
        assertThat(outcomes[0]).as("valid variants").isPositive();
        assertThat(outcomes[1]).as("invalid variants").isGreaterThan(CASES / 2);
    }

    /** True if the variant loaded. */
    private static boolean loadOnce(int i, String yaml) {
        long start = System.nanoTime();
        try {
            ConfigLoader.load(yaml, Path.of("fuzz.yaml"), ENV);
            return true;
        } catch (ConfigException e) {
            assertThat(e.errors()).as("case %d", i).isNotEmpty().allSatisfy(err -> {
                assertThat(err.line()).isPositive();
                assertThat(err.column()).isPositive();
            });
            assertThat(e.getMessage()).as("case %d:\n%s", i, yaml).doesNotContain(SECRET);
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("case " + i + " threw " + e + " for:\n" + yaml, e);
        } finally {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("case %d", i).isLessThan(Duration.ofSeconds(1));
        }
    }

    /** The contract's worked example, line by line. */
    private static List<String> baseLines() throws Exception {
        return Files.readAllLines(ConfigExampleTest.example());
    }

    private static String mutate(List<String> base, Random random) {
        List<String> lines = new ArrayList<>(base);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(8)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> Collections.swap(lines, at, random.nextInt(lines.size()));
                case 3 -> lines.set(at, insert(lines.get(at), random));
                case 4 -> lines.set(at, reindent(lines.get(at), random));
                case 5 -> lines.set(at, truncate(lines.get(at), random));
                case 6 -> lines.set(at, lines.get(at).replace(": ", random.nextBoolean() ? ": &x " : ": *x "));
                default -> {
                    String text = String.join("\n", lines);
                    return text.substring(0, random.nextInt(text.length() + 1));
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String insert(String line, Random random) {
        int at = random.nextInt(line.length() + 1);
        char c = random.nextInt(4) == 0 ? (char) (0x20 + random.nextInt(0x5f)) : SPECIALS.charAt(random.nextInt(SPECIALS.length()));
        return line.substring(0, at) + c + line.substring(at);
    }

    private static String reindent(String line, Random random) {
        String trimmed = line.stripLeading();
        return " ".repeat(random.nextInt(9)) + (random.nextInt(10) == 0 ? "\t" : "") + trimmed;
    }

    private static String truncate(String line, Random random) {
        return line.substring(0, random.nextInt(line.length() + 1));
    }
}
