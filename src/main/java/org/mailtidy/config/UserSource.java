package org.mailtidy.config;

import java.nio.file.Path;
import java.util.List;

/** Where the logins of an {@link AccountGroup} come from: one login per line, {@code #} comments. */
public sealed interface UserSource {

    /** {@code users_file}: re-read at every load (start, reload, each {@code once}). */
    record FromFile(Path path) implements UserSource {
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
