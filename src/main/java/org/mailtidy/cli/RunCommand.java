package org.mailtidy.cli;

import java.util.concurrent.Callable;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.daemon.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "The daemon: schedule every rule and run until SIGTERM/SIGINT; SIGHUP or a"
        + " change of the file reloads the configuration (an invalid file keeps the old one).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    StateDirOption state;

    @Override
    public Integer call() throws Exception {
        var file = config.resolve();
        var loaded = ConfigLoader.load(file); // a bad file at start is exit 2, before anything is scheduled
        var stateDir = state.resolve();
        StateDirOption.copiesAgainWarning(stateDir, loaded.enabledRules())
                .ifPresent(w -> org.slf4j.LoggerFactory.getLogger(RunCommand.class).warn(w.replaceFirst("^warning: ", "")));
        return new Daemon(file, stateDir).runUntilStopped();
    }
}
