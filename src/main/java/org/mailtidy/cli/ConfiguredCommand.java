package org.mailtidy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that works on the loaded configuration and prints to picocli's output: the {@code -c FILE} option,
 * the load (its {@code ConfigException} exits 2 like any bad configuration) and the output in one place.
 */
abstract class ConfiguredCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        return run(ConfigLoader.load(config.resolve()), spec.commandLine().getOut());
    }

    /** The exit code, from {@link ExitCodes}. */
    abstract int run(Config c, PrintWriter out) throws Exception;
}
