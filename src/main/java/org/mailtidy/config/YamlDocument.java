package org.mailtidy.config;

import java.io.StringReader;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Phase one of loading: YAML text to a node tree with positions, safely. Nothing is constructed
 * (no tags are honoured, no Java objects made); the limits below keep a hostile or broken file
 * from taking more than a moment.
 */
final class YamlDocument {

    static final int MAX_BYTES = 1 << 20;
    /** Nodes counted once per use, so that aliases cannot multiply the binder's work. */
    static final int MAX_EXPANDED_NODES = 200_000;
    private static final int MAX_COLLECTION_ALIASES = 50;
    private static final int MAX_NESTING = 50;
    private static final Pattern UNKNOWN_ESCAPE = Pattern.compile("found unknown escape character");
    private static final Pattern BACKSLASH_WORD = Pattern.compile("\\\\[A-Za-z0-9$_.-]*");

    private final Problems problems;
    private final String text;

    private YamlDocument(Problems problems, String text) {
        this.problems = problems;
        this.text = text;
    }

    /** The root node, or empty after recording why there is none. */
    static Optional<Node> compose(String text, Problems problems) {
        return new YamlDocument(problems, text).compose();
    }

    private Optional<Node> compose() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_BYTES);
        // Duplicates are reported by the binder, with both positions.
        options.setAllowDuplicateKeys(true);
        options.setMergeOnCompose(true);
        options.setAllowRecursiveKeys(false);
        MarkingParser parser = new MarkingParser(new ParserImpl(new StreamReader(new StringReader(text)), options));
        Node root;
        try {
            root = new Composer(parser, new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            addSyntaxError(e);
            return Optional.empty();
        } catch (RuntimeException e) {
            // SnakeYAML throws the alias and depth limits (and any internal failure) without a
            // position: use the last event read.
            problems.add(parser.lastMark, "", "YAML error: " + firstLine(e.getMessage()));
            return Optional.empty();
        } catch (StackOverflowError e) {
            problems.add(parser.lastMark, "", "YAML error: the document is nested too deeply");
            return Optional.empty();
        }
        if (root == null) {
            problems.add((Mark) null, "", "the file is empty; expected a mapping with version, accounts and rules");
            return Optional.empty();
        }
        if (!new Walk().check(root)) {
            return Optional.empty();
        }
        return Optional.of(root);
    }

    private void addSyntaxError(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? firstLine(e.getMessage()) : e.getProblem();
        if (UNKNOWN_ESCAPE.matcher(problem).find() && e.getProblemMark() != null) {
            // SnakeYAML points after the backslash; point at it.
            problems.add(mark.getLine(), Math.max(0, mark.getColumn() - 1), "", unknownEscapeMessage(mark));
        } else {
            problems.add(mark, "", syntaxMessage(problem, e));
        }
    }

    private String syntaxMessage(String problem, MarkedYAMLException e) {
        if (problem.contains("(TAB)")) {
            return "YAML syntax error: a tab character where YAML expects indentation or a value; indent with spaces";
        }
        if ("expected a single document in the stream".equals(e.getContext())) {
            return "YAML syntax error: a second document starts here; a configuration file is a single YAML document";
        }
        String context = e.getContext() == null ? "" : " (" + e.getContext() + lineOf(e.getContextMark()) + ")";
        return "YAML syntax error: " + problem + context;
    }

    private static String lineOf(Mark mark) {
        return mark == null ? "" : " started at line " + (mark.getLine() + 1);
    }

    /**
     * In a double-quoted YAML string a backslash starts an escape, so {@code "\Seen"} is a syntax
     * error; the fix is the same for every flag.
     */
    private String unknownEscapeMessage(Mark mark) {
        String written = backslashWordBefore(mark).orElse("\\...");
        return "YAML syntax error: in double quotes a backslash starts an escape sequence, so \""
                + written + "\" is not valid; write " + written + " unquoted, in single quotes ('"
                + written + "') or with a doubled backslash (\"\\" + written + "\")";
    }

    /** The word starting with the backslash just before {@code mark} (whose column counts code points). */
    private Optional<String> backslashWordBefore(Mark mark) {
        String[] lines = text.split("\n", -1);
        if (mark.getLine() >= lines.length || mark.getColumn() < 1) {
            return Optional.empty();
        }
        String line = lines[mark.getLine()];
        try {
            int at = line.offsetByCodePoints(0, mark.getColumn() - 1);
            Matcher word = BACKSLASH_WORD.matcher(line).region(at, line.length());
            return word.lookingAt() ? Optional.of(word.group()) : Optional.empty();
        } catch (IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable document";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Counts nodes as the binder will see them (an alias counts each time it is used), rejects
     * cycles and custom tags. Memoised per node, so an alias bomb costs no more than its text.
     */
    private final class Walk {
        private final Map<Node, Long> sizes = new IdentityHashMap<>();
        private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();
        private boolean ok = true;

        boolean check(Node root) {
            long size = size(root);
            if (ok && size > MAX_EXPANDED_NODES) {
                problems.add(root, "", "the document has more than " + MAX_EXPANDED_NODES
                        + " values (counting each use of an alias); a configuration needs far fewer");
                ok = false;
            }
            return ok;
        }

        private long size(Node node) {
            Long known = sizes.get(node);
            if (known != null) {
                return known;
            }
            if (inProgress.containsKey(node)) {
                problems.add(node, "", "YAML error: an alias refers to a node that contains it (a recursive structure)");
                ok = false;
                return MAX_EXPANDED_NODES + 1L;
            }
            checkTag(node);
            inProgress.put(node, true);
            long size = 1;
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    size = saturatingAdd(size, saturatingAdd(size(t.getKeyNode()), size(t.getValueNode())));
                }
            } else if (node instanceof SequenceNode s) {
                for (Node child : s.getValue()) {
                    size = saturatingAdd(size, size(child));
                }
            }
            inProgress.remove(node);
            sizes.put(node, size);
            return size;
        }

        private void checkTag(Node node) {
            Tag tag = node.getTag();
            if (tag != null && !tag.getValue().startsWith(Tag.PREFIX)) {
                problems.add(node, "", "YAML tag " + tag.getValue() + " is not supported (mailtidy reads plain YAML only)");
                ok = false;
            }
        }

        private long saturatingAdd(long a, long b) {
            long sum = a + b;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }

    /** Remembers where the last event began, to place errors that SnakeYAML raises without a position. */
    private static final class MarkingParser implements Parser {
        private final Parser delegate;
        private Mark lastMark;

        MarkingParser(Parser delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return delegate.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return delegate.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event e = delegate.getEvent();
            if (e != null && e.getStartMark() != null) {
                lastMark = e.getStartMark();
            }
            return e;
        }
    }
}
