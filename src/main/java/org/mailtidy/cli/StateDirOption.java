package org.mailtidy.cli;

import java.util.Optional;
import org.mailtidy.engine.StateDir;
import picocli.CommandLine.Option;

/** {@code --state-dir DIR}: where caches and journals are kept between runs ({@link StateDir}). */
final class StateDirOption {

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where mailtidy keeps caches and journals"
            + " between runs (default: $MAILTIDY_STATE_DIR, $STATE_DIRECTORY, $XDG_STATE_HOME/mailtidy,"
            + " ~/.local/state/mailtidy; 'none': keep nothing)")
    String dir;

    Optional<StateDir> resolve() {
        return StateDir.resolve(dir, System.getenv());
    }
}
