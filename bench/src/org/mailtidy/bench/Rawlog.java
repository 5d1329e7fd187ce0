package org.mailtidy.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dovecot's rawlog of one session ({@code rawlog_dir}): {@code *.in} is what the client sent after
 * login, {@code *.out} what the server answered, each line prefixed by a timestamp. This turns a
 * file back into the exact byte stream and splits client streams into commands, literals included
 * (RFC 3501 section 4.3: a line ending in {@code {n}} or {@code {n+}} is followed by n octets).
 */
final class Rawlog {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)(\\+?)}\r?\n$");

    private Rawlog() {
    }

    /** One client command: its bytes, and the offsets after which a synchronising literal waits for "+". */
    record Command(byte[] bytes, List<Integer> syncPoints) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The command name, with "UID" joined to the next word ("UID STORE"); upper case. */
        String verb() {
            String[] words = text().split("[ \r\n]+", 4);
            if (words.length < 2) {
                return "?";
            }
            String verb = words[1].toUpperCase(Locale.ROOT);
            return verb.equals("UID") && words.length > 2 ? "UID " + words[2].toUpperCase(Locale.ROOT) : verb;
        }
    }

    /** The stream as the peer sent it: the "seconds.micros " prefix of every line removed. */
    static byte[] stream(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = 0;
        while (i < raw.length) {
            int prefix = timestampLength(raw, i);
            i += prefix;
            int end = i;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int stop = Math.min(end + 1, raw.length);
            out.write(raw, i, stop - i);
            i = stop;
        }
        return out.toByteArray();
    }

    private static int timestampLength(byte[] b, int at) {
        int i = at;
        while (i < b.length && Character.isDigit(b[i])) {
            i++;
        }
        if (i == at || i >= b.length || b[i] != '.') {
            return 0;
        }
        int j = i + 1;
        while (j < b.length && Character.isDigit(b[j])) {
            j++;
        }
        return j > i + 1 && j < b.length && b[j] == ' ' ? j + 1 - at : 0;
    }

    /** The commands of a client stream, in order. */
    static List<Command> commands(byte[] stream) {
        List<Command> commands = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int start = i;
            List<Integer> sync = new ArrayList<>();
            while (true) {
                int end = i;
                while (end < stream.length && stream[end] != '\n') {
                    end++;
                }
                end = Math.min(end + 1, stream.length);
                String line = new String(stream, i, end - i, StandardCharsets.ISO_8859_1);
                Matcher m = LITERAL.matcher(line);
                if (m.find() && end < stream.length) {
                    if (m.group(2).isEmpty()) {
                        sync.add(end - start);
                    }
                    i = Math.min(stream.length, end + Integer.parseInt(m.group(1)));
                    continue;
                }
                i = end;
                break;
            }
            byte[] bytes = java.util.Arrays.copyOfRange(stream, start, i);
            if (bytes.length > 0 && !new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
                commands.add(new Command(bytes, sync));
            }
        }
        return commands;
    }

    /** Commands of every {@code *.in} file of a rawlog folder, by verb. */
    static Map<String, Integer> countByVerb(List<Command> commands) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Command c : commands) {
            counts.merge(c.verb(), 1, Integer::sum);
        }
        return counts;
    }
}
