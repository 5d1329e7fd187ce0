package org.mailtidy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code ${NAME}} expansion in configuration values; {@code $${} writes a literal {@code ${}. */
final class EnvExpander {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    EnvExpander(Map<String, String> env) {
        this.env = env;
    }

    String expand(String text) throws BadValue {
        if (!text.contains("${")) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new BadValue("unterminated \"${\" (write $${ for a literal \"${\")");
                }
                out.append(lookUp(text.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The names of the variables {@code text} refers to that are not set, in order (valid references only). */
    List<String> unsetNames(String text) {
        return references(text).stream().filter(name -> NAME.matcher(name).matches() && env.get(name) == null)
                .toList();
    }

    /** The variables {@code text} refers to, in order ({@code $${} is not a reference). */
    static List<String> references(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    break;
                }
                out.add(text.substring(i + 2, end));
                i = end + 1;
            } else {
                i++;
            }
        }
        return out;
    }

    private String lookUp(String name) throws BadValue {
        if (!NAME.matcher(name).matches()) {
            throw new BadValue("invalid environment variable name " + Text.quote(name)
                    + " in ${...} (letters, digits and _, not starting with a digit)");
        }
        String value = env.get(name);
        if (value == null) {
            throw new BadValue("environment variable " + name + " is not set");
        }
        return value;
    }
}
