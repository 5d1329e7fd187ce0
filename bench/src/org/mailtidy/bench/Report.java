package org.mailtidy.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Prints the results of bench/run.sh (results/N/*.properties) as one Markdown table per N. */
final class Report {
    private static final Map<String, String> TOOLS = new LinkedHashMap<>();
    /** Pass 2 of {@code bench/run.sh incremental}: run on the mailbox that pass 1 tidied and a day changed. */
    private static final Map<String, String> INCREMENTAL_TOOLS = new LinkedHashMap<>();

    /** A wall-time ratio: a / b, printed with its label. */
    private record Ratio(String a, String b, String label) {
    }

    private static final List<Ratio> RATIOS = List.of(
            new Ratio("mailtidy", "imapfilter", "once / imapfilter"),
            new Ratio("steady", "imapfilter", "steady / imapfilter"),
            new Ratio("mailtidy", "imapfilter-criteria", "once / imapfilter per criterion"),
            new Ratio("steady", "imapfilter-criteria", "steady / imapfilter per criterion"),
            new Ratio("steady", "replay", "steady / raw replay"),
            new Ratio("mailtidy", "replay", "once / raw replay"));
    private static final List<Ratio> INCREMENTAL_RATIOS = List.of(
            new Ratio("steady", "imapfilter", "steady / imapfilter"),
            new Ratio("mailtidy", "imapfilter", "once / imapfilter"),
            new Ratio("steady", "imapfilter-criteria", "steady / imapfilter per criterion"),
            new Ratio("mailtidy", "imapfilter-criteria", "once / imapfilter per criterion"),
            new Ratio("steady", "replay", "steady / raw replay"),
            new Ratio("steady", "steady-nostate", "steady / steady without state"),
            new Ratio("mailtidy", "mailtidy-nostate", "once / once without state"));

    static {
        TOOLS.put("mailtidy", "mailtidy once (whole process)");
        TOOLS.put("steady", "mailtidy steady state (median of 5)");
        TOOLS.put("imapfilter", "imapfilter, one search program per rule");
        TOOLS.put("imapfilter-criteria", "imapfilter, one SEARCH per criterion");
        TOOLS.put("replay", "raw replay of mailtidy's commands");

        INCREMENTAL_TOOLS.put("mailtidy", "mailtidy once, state dir of pass 1 (whole process)");
        INCREMENTAL_TOOLS.put("mailtidy-nostate", "mailtidy once --state-dir none (whole process)");
        INCREMENTAL_TOOLS.put("steady", "mailtidy steady state, state dir of pass 1 (median of 5)");
        INCREMENTAL_TOOLS.put("steady-nostate", "mailtidy steady state, no state dir (median of 5)");
        INCREMENTAL_TOOLS.put("imapfilter", "imapfilter, one search program per rule");
        INCREMENTAL_TOOLS.put("imapfilter-criteria", "imapfilter, one SEARCH per criterion");
        INCREMENTAL_TOOLS.put("replay", "raw replay of mailtidy's pass-2 commands");
    }

    private Report() {
    }

    static void print(Path resultsDir, String only) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(resultsDir)) {
            dirs = new ArrayList<>(s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("\\d+"))
                    .sorted((a, b) -> Long.compare(n(a), n(b))).toList());
        }
        for (Path dir : dirs) {
            if (only == null || dir.getFileName().toString().equals(only)) {
                printOne(dir, String.format("### N = %,d messages", n(dir)), TOOLS, RATIOS);
            }
        }
    }

    private static long n(Path p) {
        return Long.parseLong(p.getFileName().toString());
    }

    /** The results of {@code bench/run.sh incremental N} (DIR is results/incremental-N): pass 2 of every tool. */
    static void printIncremental(Path dir) throws IOException {
        long n = Long.parseLong(dir.getFileName().toString().replaceAll("\\D", ""));
        printOne(dir, String.format("### Incremental, N = %,d messages (pass 2)", n), INCREMENTAL_TOOLS,
                INCREMENTAL_RATIOS);
    }

    private static void printOne(Path dir, String title, Map<String, String> tools, List<Ratio> ratios)
            throws IOException {
        Map<String, Properties> r = new LinkedHashMap<>();
        for (String tool : tools.keySet()) {
            Path f = dir.resolve(tool + ".properties");
            if (Files.exists(f)) {
                r.put(tool, load(f));
            }
        }
        Properties check = Files.exists(dir.resolve("check.properties")) ? load(dir.resolve("check.properties"))
                : new Properties();
        System.out.printf("%s%n%n", title);
        System.out.println("| run | wall s | client CPU s | server CPU s | peak RSS MB | IMAP commands | bytes sent | bytes received |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        r.forEach((tool, p) -> System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", tools.get(tool),
                num(p, "wall_s"), num(p, "cpu_s"), num(p, "server_cpu_s"), mb(p.getProperty("rss_kb")),
                p.getProperty("commands", "–"), grouped(p.getProperty("bytes_sent")),
                grouped(p.getProperty("bytes_received"))));
        System.out.println();
        System.out.println("Commands by type:");
        System.out.println();
        r.forEach((tool, p) -> System.out.println("- " + tools.get(tool) + ": " + byType(p)));
        System.out.println();
        System.out.println("Wall time samples (s): " + String.join("; ", r.entrySet().stream()
                .filter(e -> e.getValue().getProperty("walls_s") != null)
                .map(e -> e.getKey() + " " + e.getValue().getProperty("walls_s")).toList()));
        System.out.println();
        System.out.println("Ratios (wall time): " + ratios(r, ratios));
        System.out.println();
        if (!check.isEmpty()) {
            // only the incremental mode records its pass 1 and the change it applied between the passes
            for (String key : List.of("pass1", "change", "mailbox")) {
                if (check.getProperty(key) != null) {
                    System.out.println(check.getProperty(key));
                    System.out.println();
                }
            }
            System.out.println("Final mailboxes: " + check.getProperty("summary"));
            System.out.println();
            System.out.println("Load average of the machine: " + check.getProperty("load", "?"));
            System.out.println();
        }
    }

    private static String ratios(Map<String, Properties> r, List<Ratio> ratios) {
        List<String> out = new ArrayList<>();
        for (Ratio ratio : ratios) {
            if (r.containsKey(ratio.a()) && r.containsKey(ratio.b())) {
                double x = Double.parseDouble(r.get(ratio.a()).getProperty("wall_s"));
                double y = Double.parseDouble(r.get(ratio.b()).getProperty("wall_s"));
                out.add(String.format(Locale.ROOT, "%s **%.2f**", ratio.label(), x / y));
            }
        }
        return String.join(", ", out);
    }

    private static String byType(Properties p) {
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("cmd."))
                .forEach(k -> m.put(k.substring(4).replace('_', ' '), p.getProperty(k)));
        if (m.isEmpty()) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    private static Properties load(Path f) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(f)) {
            p.load(in);
        }
        return p;
    }

    private static String num(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", Double.parseDouble(v));
    }

    private static String mb(String kb) {
        return kb == null ? "–" : String.format(Locale.ROOT, "%.0f", Long.parseLong(kb) / 1024.0);
    }

    private static String grouped(String v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,d", Long.parseLong(v));
    }
}
