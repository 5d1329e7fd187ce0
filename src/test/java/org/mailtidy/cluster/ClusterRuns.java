package org.mailtidy.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.mailtidy.testsupport.Postgres;

/**
 * For cluster tests and benches: {@code mailtidy run} processes as separate JVMs, the cluster's run table
 * ({@code mailtidy_run}: one row per claimed mailbox run) and what it says about exactly-once.
 */
final class ClusterRuns {
    private ClusterRuns() {
    }

    record Run(long id, String account, String mailbox, long due, String node, boolean recovering, long started,
               Long finished, Boolean reached) {
        String box() {
            return account + " " + mailbox;
        }

        boolean done() {
            return Boolean.TRUE.equals(reached);
        }

        /** Rows name their node host-pid-start. */
        boolean by(long pid) {
            return node.contains("-" + pid + "-");
        }
    }

    /** Starts {@code mailtidy run -c config} in its own JVM; output to {@code log}. */
    static Process startNode(List<String> jvmOptions, Path config, Path stateDir, Path log, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mailtidy.cli.Main", "run",
                "-c", config.toString(), "--state-dir", stateDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    static List<Run> read(String jdbcUrl) {
        List<Run> out = new ArrayList<>();
        try (Connection c = Postgres.connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, account, mailbox, due, node, recovering, started, finished,"
                     + " reached FROM mailtidy_run ORDER BY started")) {
            while (rs.next()) {
                long f = rs.getLong(8);
                Long finished = rs.wasNull() ? null : f;
                boolean r = rs.getBoolean(9);
                Boolean reached = rs.wasNull() ? null : r;
                out.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getBoolean(6), rs.getLong(7), finished, reached));
            }
        } catch (SQLException e) {
            return List.of(); // not created yet
        }
        return out;
    }

    /**
     * What the run table says about the firings (mailbox, due time) due in [{@code from}, {@code until}):
     * <ul>
     * <li>{@code twice}: firings with more than one run that reached the server (must be none);</li>
     * <li>{@code killedRuns}: runs the killed node had claimed and never finished; {@code recovered}: of
     * those, how many were run again to completion for the same due time by another node (a recovering
     * Quartz firing, or another job naming the same mailbox); {@code notRedone}: the rest, each with the
     * first later run of its mailbox;</li>
     * <li>{@code gaps}: where two consecutive finished runs of a mailbox started more than {@code maxGap}
     * apart (with {@code maxGap} under two periods: a firing that was never run).</li>
     * </ul>
     */
    record Check(int firings, int mailboxes, int once, List<String> twice, int killedRuns, int recovered,
                 List<String> notRedone, List<String> gaps) {
        String summary() {
            return String.format("%d firings of %d mailboxes due in the window: %d run to completion once, %d more"
                    + " than once; the killed node's unfinished runs: %d, redone for the same due time by another"
                    + " node: %d, not redone: %d; gaps between a mailbox's finished runs longer than allowed: %d",
                    firings, mailboxes, once, twice.size(), killedRuns, recovered, notRedone.size(), gaps.size());
        }
    }

    static Check check(List<Run> runs, long killedPid, long from, long until, long maxGap) {
        Map<String, List<Run>> perFiring = runs.stream().filter(r -> r.due() >= from && r.due() < until)
                .collect(Collectors.groupingBy(r -> r.box() + " @" + r.due(), TreeMap::new, Collectors.toList()));
        int once = 0;
        List<String> twice = new ArrayList<>();
        int killedRuns = 0;
        int recovered = 0;
        List<String> notRedone = new ArrayList<>();
        for (var e : perFiring.entrySet()) {
            List<Run> list = e.getValue();
            long done = list.stream().filter(Run::done).count();
            if (done == 1) {
                once++;
            } else if (done > 1) {
                twice.add(e.getKey() + ": " + list);
            }
            for (Run killed : list.stream().filter(r -> r.by(killedPid) && r.finished() == null).toList()) {
                killedRuns++;
                if (list.stream().anyMatch(r -> r.done() && !r.by(killedPid))) {
                    recovered++;
                } else {
                    Run next = runs.stream().filter(r -> r.box().equals(killed.box()) && r.done()
                            && r.started() >= killed.started()).findFirst().orElse(null);
                    notRedone.add(killed + ", next run of the mailbox: " + next);
                }
            }
        }
        Map<String, List<Run>> perBox = runs.stream().filter(Run::done)
                .filter(r -> r.due() >= from && r.due() < until)
                .collect(Collectors.groupingBy(Run::box, TreeMap::new, Collectors.toList()));
        List<String> gaps = new ArrayList<>();
        perBox.forEach((box, list) -> {
            list.sort(Comparator.comparingLong(Run::started));
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i).started() - list.get(i - 1).started() > maxGap) {
                    gaps.add(box + ": " + list.get(i - 1) + " then " + list.get(i));
                }
            }
        });
        return new Check(perFiring.size(), perBox.size(), once, twice, killedRuns, recovered, notRedone, gaps);
    }
}
