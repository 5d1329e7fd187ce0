package org.mailtidy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The benchmark's helpers, called by bench/run.sh. Output is key=value lines for the report. */
public final class BenchTool {
    private BenchTool() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "generate" -> new MailboxGenerator(42, args.length > 3 && args[3].equals("--small"))
                    .write(Path.of(args[1]), Integer.parseInt(args[2]));
            // another seed than the master's 42: the day's new mail is not a repeat of old mail
            case "deliver" -> new MailboxGenerator(43, false)
                    .deliver(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "rawlog-stats" -> rawlogStats(Path.of(args[1]));
            case "replay" -> replay(args[1], Integer.parseInt(args[2]), args[3], args[4], Path.of(args[5]),
                    args.length > 6 ? args[6] : null);
            case "steady" -> SteadyState.run(Path.of(args[1]), Integer.parseInt(args[2]),
                    Arrays.asList(args).subList(3, args.length));
            case "report" -> Report.print(Path.of(args[1]), args.length > 2 ? args[2] : null);
            case "report-incremental" -> Report.printIncremental(Path.of(args[1]));
            default -> {
                System.err.println("usage: BenchTool generate DIR N [--small] | deliver DIR K FIRST-INDEX | rawlog-stats DIR | "
                        + "replay HOST PORT USER PASSWORD RAWLOGDIR [WARM-UP-USER] | steady CONFIG RUNS RESET-COMMAND... | report DIR [N] | report-incremental DIR");
                System.exit(2);
            }
        }
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static List<Rawlog.Command> commands(Path dir) throws IOException {
        List<Rawlog.Command> all = new ArrayList<>();
        for (Path in : files(dir, ".in")) {
            all.addAll(Rawlog.commands(Rawlog.stream(in)));
        }
        return all;
    }

    /** Commands by verb and bytes each way (after login: the rawlog starts there), over every session. */
    private static void rawlogStats(Path dir) throws IOException {
        List<Rawlog.Command> commands = commands(dir);
        long sent = 0;
        for (Path in : files(dir, ".in")) {
            sent += Rawlog.stream(in).length;
        }
        long received = 0;
        for (Path out : files(dir, ".out")) {
            received += Rawlog.stream(out).length;
        }
        System.out.println("sessions=" + files(dir, ".in").size());
        System.out.println("commands=" + commands.size());
        for (Map.Entry<String, Integer> e : Rawlog.countByVerb(commands).entrySet()) {
            System.out.println("cmd." + e.getKey().replace(' ', '_') + "=" + e.getValue());
        }
        System.out.println("bytes_sent=" + sent);
        System.out.println("bytes_received=" + received);
    }

    /** With a warm-up user (a second copy of the mailbox), replays there first: the measured replay runs JIT-compiled. */
    private static void replay(String host, int port, String user, String password, Path rawlogDir, String warmUpUser)
            throws IOException {
        List<Rawlog.Command> commands = commands(rawlogDir);
        if (warmUpUser != null) {
            RawReplay.run(host, port, warmUpUser, password, commands);
        }
        long[] r = RawReplay.run(host, port, user, password, commands);
        System.out.printf("wall_s=%.3f%n", r[0] / 1e9);
        System.out.println("replayed_commands=" + commands.size());
        System.out.println("replay_bytes_sent=" + r[1]);
        System.out.println("replay_bytes_received=" + r[2]);
    }
}
