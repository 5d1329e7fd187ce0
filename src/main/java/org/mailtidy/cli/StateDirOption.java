package org.mailtidy.cli;

import java.util.List;
import java.util.Optional;
import org.mailtidy.config.RuleConfig;
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

    /**
     * The one line that {@code check} and {@code once} print when copying rules run without a state
     * directory: nothing then remembers what was copied (the contract's "Meaning of a run").
     */
    static Optional<String> copiesAgainWarning(Optional<StateDir> state, List<RuleConfig> rules) {
        List<String> copying = rules.stream().filter(r -> r.spec().copyTo().isPresent()).map(RuleConfig::name)
                .distinct().toList();
        if (state.isPresent() || copying.isEmpty()) {
            return Optional.empty();
        }
        boolean one = copying.size() == 1;
        return Optional.of("warning: no state directory (--state-dir none), so copy rule" + (one ? " " : "s ")
                + String.join(", ", copying) + (one ? " copies" : " copy") + " every matching message again on every"
                + " run");
    }
}
