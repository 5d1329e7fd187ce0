package org.mailtidy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a secret comes from. Reading it is deferred to the moment it is needed ({@code check}
 * never runs a password command); {@code toString} never shows a literal value. Code that must
 * handle every kind calls {@link #match}, so a new kind fails compilation until each caller does.
 */
public sealed interface SecretSource {

    /** One case of {@link #match}; may throw what its caller throws. */
    @FunctionalInterface
    interface Case<T, R, X extends Exception> {
        R apply(T source) throws X;
    }

    /** One function per kind; returns what the one for this kind returns. */
    <R, X extends Exception> R match(Case<Literal, R, X> literal, Case<FromFile, R, X> file,
                                     Case<FromCommand, R, X> command, Case<None, R, X> none) throws X;

    /** The file of a {@code password_file}-like source; empty for the other kinds. */
    default Optional<Path> file() {
        return match(l -> Optional.empty(), f -> Optional.of(f.path()), c -> Optional.empty(), n -> Optional.empty());
    }

    /** {@code password: ...} (after {@code ${ENV}} expansion). */
    record Literal(String value) implements SecretSource {
        @Override
        public <R, X extends Exception> R match(Case<Literal, R, X> literal, Case<FromFile, R, X> file,
                                                Case<FromCommand, R, X> command, Case<None, R, X> none) throws X {
            return literal.apply(this);
        }

        @Override
        public String toString() {
            return "password (literal, redacted)";
        }
    }

    /** {@code password_file}: the file's first line. */
    record FromFile(Path path) implements SecretSource {
        @Override
        public <R, X extends Exception> R match(Case<Literal, R, X> literal, Case<FromFile, R, X> file,
                                                Case<FromCommand, R, X> command, Case<None, R, X> none) throws X {
            return file.apply(this);
        }

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
        @Override
        public <R, X extends Exception> R match(Case<Literal, R, X> literal, Case<FromFile, R, X> file,
                                                Case<FromCommand, R, X> command, Case<None, R, X> none) throws X {
            return command.apply(this);
        }

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
        public <R, X extends Exception> R match(Case<Literal, R, X> literal, Case<FromFile, R, X> file,
                                                Case<FromCommand, R, X> command, Case<None, R, X> none) throws X {
            return none.apply(this);
        }

        @Override
        public String toString() {
            return "none";
        }
    }
}
