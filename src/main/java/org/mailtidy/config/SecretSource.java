package org.mailtidy.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a secret comes from. Reading it is deferred to the moment it is needed ({@code check}
 * never runs a password command); {@code toString} never shows a literal value.
 */
public sealed interface SecretSource {

    /** {@code password: ...} (after {@code ${ENV}} expansion). */
    record Literal(String value) implements SecretSource {
        @Override
        public String toString() {
            return "password (literal, redacted)";
        }
    }

    /** {@code password_file}: the file's first line. */
    record FromFile(Path path) implements SecretSource {
        @Override
        public String toString() {
            return "password_file " + path;
        }
    }

    /**
     * {@code password_command}: the command's standard output, trailing newline trimmed.
     * {@code shown} is the command as the file writes it, {@code ${NAME}} unexpanded, for messages.
     */
    record FromCommand(List<String> argv, List<String> shown) implements SecretSource {
        public FromCommand {
            argv = List.copyOf(argv);
            shown = List.copyOf(shown);
        }

        public FromCommand(List<String> argv) {
            this(argv, argv);
        }

        @Override
        public String toString() {
            return "password_command " + shown;
        }
    }

    /** No password source (an OAuth2 account whose oauth2 block supplies the token). */
    record None() implements SecretSource {
        @Override
        public String toString() {
            return "none";
        }
    }
}
