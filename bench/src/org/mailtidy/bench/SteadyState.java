package org.mailtidy.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.OncePass;
import org.mailtidy.engine.RunResult;
import org.mailtidy.engine.RunSettings;
import org.mailtidy.engine.StateDir;

/**
 * The same pass repeated inside one JVM, as the daemon repeats it: the mailbox is restored from the
 * master copy before each pass (not timed), one warm-up pass, then the median of the measured ones.
 * The reset command also restores the state directory when one is given ({@code -Dbench.stateDir}).
 */
final class SteadyState {
    private SteadyState() {
    }

    /** CPU seconds of Dovecot's ended processes, which its master has reaped (fields 16 and 17 of stat). */
    private static double serverCpu() throws java.io.IOException {
        String pid = System.getProperty("bench.masterPid");
        if (pid == null) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): cutime and cstime are fields 16 and 17; clock ticks of 1/100 s on Linux
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }

    /** {@code -Dbench.stateDir=DIR} as {@code once --state-dir DIR} (the reset restores it); unset or "none": none. */
    private static Optional<StateDir> stateDir() {
        String dir = System.getProperty("bench.stateDir", StateDir.NONE);
        return dir.equals(StateDir.NONE) ? Optional.empty() : Optional.of(new StateDir(Path.of(dir)));
    }

    static void run(Path configFile, int runs, List<String> resetCommand) throws Exception {
        Config config = ConfigLoader.load(configFile);
        List<RuleConfig> rules = OncePass.selectRules(config, List.of(), null);
        RunSettings settings = RunSettings.from(config, false, Optional.empty(), stateDir());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<long[]> measured = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            Process reset = new ProcessBuilder(resetCommand).inheritIO().start();
            if (reset.waitFor() != 0) {
                throw new IllegalStateException("reset failed: " + resetCommand);
            }
            Thread.sleep(300);
            double server = serverCpu();
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            List<RunResult> results = new OncePass(config, settings, Connections::open).run(rules);
            long wall = System.nanoTime() - start;
            cpu = os.getProcessCpuTime() - cpu;
            Thread.sleep(1000);
            server = serverCpu() - server;
            if (!results.stream().allMatch(RunResult::ok)) {
                throw new IllegalStateException("a run failed: " + results);
            }
            System.out.printf("steady run %d%s: %.3f s wall, %.3f s CPU, %.2f s server CPU%n", i,
                    i == 0 ? " (warm-up)" : "", wall / 1e9, cpu / 1e9, server);
            if (i > 0) {
                measured.add(new long[] {wall, cpu, Math.round(server * 1000)});
            }
        }
        List<Long> walls = new ArrayList<>();
        List<Long> cpus = new ArrayList<>();
        List<Long> servers = new ArrayList<>();
        measured.forEach(m -> {
            walls.add(m[0]);
            cpus.add(m[1]);
            servers.add(m[2]);
        });
        Collections.sort(walls);
        Collections.sort(cpus);
        Collections.sort(servers);
        if (System.getProperty("bench.masterPid") != null) {
            System.out.printf("server_cpu_s=%.2f%n", servers.get(servers.size() / 2) / 1e3);
        }
        System.out.printf("wall_s=%.3f%n", walls.get(walls.size() / 2) / 1e9);
        System.out.printf("cpu_s=%.3f%n", cpus.get(cpus.size() / 2) / 1e9);
        System.out.printf("walls_s=%s%n", walls.stream().map(w -> String.format("%.3f", w / 1e9)).toList());
        System.out.printf("heap_used_mb=%d%n", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                >> 20);
    }
}
