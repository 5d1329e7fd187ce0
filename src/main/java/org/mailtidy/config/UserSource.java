package org.mailtidy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the logins of an {@link AccountGroup} come from: one login per line, {@code #} comments.
 * Code that must handle both kinds calls {@link #match}.
 */
public sealed interface UserSource {

    /** One case of {@link #match}; may throw what its caller throws. */
    @FunctionalInterface
    interface Case<T, R, X extends Exception> {
        R apply(T source) throws X;
    }

    /** One function per kind; returns what the one for this kind returns. */
    <R, X extends Exception> R match(Case<FromFile, R, X> file, Case<FromCommand, R, X> command) throws X;

    /** The users file; empty for a command. */
    default Optional<Path> file() {
        return match(f -> Optional.of(f.path()), c -> Optional.empty());
    }

    /** {@code users_file}: re-read at every load (start, reload, each {@code once}). */
    record FromFile(Path path) implements UserSource {
        @Override
        public <R, X extends Exception> R match(Case<FromFile, R, X> file, Case<FromCommand, R, X> command) throws X {
            return file.apply(this);
        }

        @Override
        public String toString() {
            return "users_file " + path;
        }
    }

    /**
     * {@code users_command}: its standard output. {@code shown} is the command as the file writes it,
     * {@code ${NAME}} unexpanded, for messages.
     */
    record FromCommand(List<String> argv, List<String> shown) implements UserSource {
        @Override
        public <R, X extends Exception> R match(Case<FromFile, R, X> file, Case<FromCommand, R, X> command) throws X {
            return command.apply(this);
        }

        public FromCommand {
            argv = List.copyOf(argv);
            shown = List.copyOf(shown);
        }

        @Override
        public String toString() {
            return "users_command " + shown;
        }
    }
}
