package org.mailtidy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The import rules of docs/architecture.md ("Import rules"), checked on the source text: which
 * mailtidy package may name which, and which packages may name only a listed part of the JDK.
 * Source, not bytecode, so a rule also holds for a name the compiler inlines (a constant) and the
 * checker needs no library; a fully qualified name in code counts like an import, a name in a
 * comment or a string does not.
 */
final class PackageRules {
    private static final String ROOT = "org.mailtidy.";
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    private static final Pattern OWN_NAME = Pattern.compile("\\borg\\.mailtidy\\.([a-z][a-z0-9_]*)\\b");

    /** mailtidy's top-level packages (a subpackage counts as its top package) and those each may name. */
    private final Map<String, Set<String>> mayUse;
    /** packages that may name nothing outside mailtidy but these name prefixes (and java.lang). */
    private final Map<String, List<String>> onlyOutside;

    PackageRules(Map<String, Set<String>> mayUse, Map<String, List<String>> onlyOutside) {
        this.mayUse = mayUse;
        this.onlyOutside = onlyOutside;
    }

    /** One source file's package and what it names. */
    record Source(String name, String topPackage, Set<String> ownPackages, Set<String> imports) {
    }

    static Source parse(String name, String text) {
        String code = codeOnly(text);
        Matcher p = PACKAGE.matcher(code);
        if (!p.find() || !p.group(1).startsWith(ROOT)) {
            throw new IllegalArgumentException(name + ": no package org.mailtidy.* declaration");
        }
        String top = topPackage(p.group(1));
        Set<String> imports = new TreeSet<>();
        Matcher i = IMPORT.matcher(code);
        while (i.find()) {
            imports.add(i.group(1));
        }
        Set<String> own = new TreeSet<>();
        Matcher o = OWN_NAME.matcher(code.substring(p.end()));
        while (o.find()) {
            own.add(o.group(1));
        }
        own.remove(top);
        return new Source(name, top, own, imports);
    }

    /** Every source file under {@code root} (src/main/java). */
    static List<Source> read(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Source> sources = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                sources.add(parse(root.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each broken rule as one line naming the file and what it names; empty if every rule holds. */
    List<String> violations(List<Source> sources) {
        List<String> found = new ArrayList<>();
        for (Source s : sources) {
            Set<String> allowed = mayUse.get(s.topPackage());
            if (allowed == null) {
                found.add(s.name() + ": package " + s.topPackage()
                        + " has no row in the import rules (docs/architecture.md, PackageRulesTest)");
                continue;
            }
            for (String used : s.ownPackages()) {
                if (!allowed.contains(used)) {
                    found.add(s.name() + ": " + s.topPackage() + " must not use " + used);
                }
            }
            List<String> outside = onlyOutside.get(s.topPackage());
            if (outside != null) {
                for (String imported : s.imports()) {
                    if (!imported.startsWith(ROOT) && !imported.startsWith("java.lang.")
                            && outside.stream().noneMatch(prefix -> imported.equals(prefix) || imported.startsWith(prefix + "."))) {
                        found.add(s.name() + ": " + s.topPackage() + " must not import " + imported);
                    }
                }
            }
        }
        cycle(graph(sources)).ifPresent(c -> found.add("package cycle: " + String.join(" -> ", c)));
        return found;
    }

    /** Which top package names which, as the sources have it. */
    static Map<String, Set<String>> graph(List<Source> sources) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (Source s : sources) {
            g.computeIfAbsent(s.topPackage(), k -> new TreeSet<>()).addAll(s.ownPackages());
        }
        return g;
    }

    static java.util.Optional<List<String>> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unseen, 1: on the path, 2: done
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, graph, state, path)) {
                return java.util.Optional.of(path);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
                                 List<String> path) {
        Integer st = state.get(node);
        if (st != null && st == 2) {
            return false;
        }
        path.add(node);
        if (st != null) { // back on the path: the path from node's first place is the cycle
            path.subList(0, path.indexOf(node)).clear();
            return true;
        }
        state.put(node, 1);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (visit(next, graph, state, path)) {
                return true;
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return false;
    }

    private static String topPackage(String pkg) {
        String rest = pkg.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /**
     * The text with comments, string and char literals and text blocks blanked (line breaks kept), so
     * that a name mentioned in prose or printed in a message is no dependency.
     */
    static String codeOnly(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(text, i, end, out);
                i = end;
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                while (end > 0 && text.charAt(end - 1) == '\\') {
                    end = text.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
                blank(text, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && text.charAt(j) != c && text.charAt(j) != '\n') {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(text, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String text, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(text.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
