package org.mailtidy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c FILE}; default {@code $MAILTIDY_CONFIG}, then /etc/mailtidy/mailtidy.yaml, then config/mailtidy.yaml. */
final class ConfigOption {
    static final Path SYSTEM_FILE = Path.of("/etc/mailtidy/mailtidy.yaml");
    static final Path LOCAL_FILE = Path.of("config/mailtidy.yaml");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "configuration file (default: $MAILTIDY_CONFIG, /etc/mailtidy/mailtidy.yaml, config/mailtidy.yaml)")
    Path file;

    Path resolve() {
        if (file != null) {
            return file;
        }
        String env = System.getenv("MAILTIDY_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Files.exists(SYSTEM_FILE) ? SYSTEM_FILE : LOCAL_FILE;
    }
}
