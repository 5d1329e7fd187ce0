package org.mailtidy.config;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.mailtidy.config.ScheduleParser.InvalidSchedule;

/** A 5-field crontab line (crontab(5), Vixie cron) translated to Quartz cron expressions. */
final class Crontab {

    private static final List<String> MONTH_NAMES = List.of(
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAY_NAMES = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    // February counts with 29 days: a crontab line for Feb 29 fires in leap years.
    private static final int[] MONTH_LENGTHS = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    enum Field {
        MINUTE(1, "minute", 0, 59, List.of()),
        HOUR(2, "hour", 0, 23, List.of()),
        DAY_OF_MONTH(3, "day-of-month", 1, 31, List.of()),
        MONTH(4, "month", 1, 12, MONTH_NAMES),
        DAY_OF_WEEK(5, "day-of-week", 0, 7, DAY_NAMES);

        final int position;
        final String label;
        final int min;
        final int max;
        final List<String> names;

        Field(int position, String label, int min, int max, List<String> names) {
            this.position = position;
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        String describe() {
            return "crontab field " + position + " (" + label + ")";
        }

        String allowed() {
            return names.isEmpty() ? min + "-" + max
                    : min + "-" + max + " or " + names.get(0) + "-" + names.get(names.size() - 1);
        }
    }

    private Crontab() {
    }

    static List<String> toQuartz(String[] words) throws InvalidSchedule {
        BitSet minutes = parseField(Field.MINUTE, words[0]);
        BitSet hours = parseField(Field.HOUR, words[1]);
        BitSet daysOfMonth = parseField(Field.DAY_OF_MONTH, words[2]);
        BitSet months = parseField(Field.MONTH, words[3]);
        BitSet daysOfWeek = foldSunday(parseField(Field.DAY_OF_WEEK, words[4]));

        String prefix = "0 " + render(minutes, 0, 59) + " " + render(hours, 0, 23) + " ";
        String month = " " + render(months, 1, 12) + " ";
        String anyDom = prefix + "*" + month + "?";
        String domOnly = prefix + render(daysOfMonth, 1, 31) + month + "?";
        String dowOnly = prefix + "?" + month + renderQuartzDaysOfWeek(daysOfWeek);

        boolean everyDom = daysOfMonth.cardinality() == 31;
        boolean everyDow = daysOfWeek.cardinality() == 7;
        boolean domFires = domFiresIn(daysOfMonth, months);
        // crontab(5): "If both fields are restricted (i.e., don't start with *), the command will
        // be run when either field matches the current time." Otherwise both must match, which
        // Quartz can express only when one of the two fields allows every day.
        if (words[2].startsWith("*") || words[4].startsWith("*")) {
            if (everyDow) {
                return everyDom ? List.of(anyDom) : List.of(requireFiring(domOnly, domFires, words));
            }
            if (everyDom) {
                return List.of(dowOnly);
            }
            throw new InvalidSchedule(bothDaysMustMatch(words));
        }
        if (everyDom || everyDow) {
            return List.of(anyDom);
        }
        // A weekday occurs in every month, so only the day-of-month half can be empty.
        return domFires ? List.of(domOnly, dowOnly) : List.of(dowOnly);
    }

    private static String requireFiring(String domOnly, boolean domFires, String[] words) throws InvalidSchedule {
        if (!domFires) {
            throw new InvalidSchedule("crontab line never fires: no month in " + Field.MONTH.describe()
                    + " \"" + words[3] + "\" has a day in " + Field.DAY_OF_MONTH.describe()
                    + " \"" + words[2] + "\"");
        }
        return domOnly;
    }

    private static String bothDaysMustMatch(String[] words) {
        List<String> rewrites = new ArrayList<>();
        for (Field field : List.of(Field.DAY_OF_MONTH, Field.DAY_OF_WEEK)) {
            String text = words[field.position - 1];
            if (text.startsWith("*")) {
                rewrites.add(field.min + "-" + field.max + text.substring(1) + " instead of " + text);
            }
        }
        return Field.DAY_OF_MONTH.describe() + " \"" + words[2] + "\" and " + Field.DAY_OF_WEEK.describe()
                + " \"" + words[4] + "\" would both have to match (crontab's either-day rule is off when a"
                + " day field starts with *), which cannot be scheduled; write " + String.join(" and ", rewrites)
                + " to fire on days that match either";
    }

    private static boolean domFiresIn(BitSet daysOfMonth, BitSet months) {
        int firstDay = daysOfMonth.nextSetBit(1);
        for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
            if (firstDay <= MONTH_LENGTHS[m - 1]) {
                return true;
            }
        }
        return false;
    }

    /** Crontab days of week 0-7 (0 and 7 = Sunday) as 0-6. */
    private static BitSet foldSunday(BitSet daysOfWeek) {
        BitSet folded = daysOfWeek.get(0, 7);
        if (daysOfWeek.get(7)) {
            folded.set(0);
        }
        return folded;
    }

    /** Quartz numbers the days of the week 1-7 with 1 = Sunday. */
    private static String renderQuartzDaysOfWeek(BitSet crontabDays) {
        BitSet quartzDays = new BitSet();
        crontabDays.stream().forEach(d -> quartzDays.set(d + 1));
        return render(quartzDays, 1, 7);
    }

    static BitSet parseField(Field field, String text) throws InvalidSchedule {
        BitSet values = new BitSet();
        for (String element : text.split(",", -1)) {
            parseElement(field, text, element, values);
        }
        return values;
    }

    private static void parseElement(Field field, String fieldText, String element, BitSet values)
            throws InvalidSchedule {
        String[] baseAndStep = element.split("/", -1);
        if (baseAndStep.length > 2) {
            throw notValid(field, fieldText);
        }
        String base = baseAndStep[0];
        boolean stepped = baseAndStep.length == 2;
        int step = stepped ? step(field, fieldText, baseAndStep[1]) : 1;
        int first;
        int last;
        if (base.equals("*")) {
            first = field.min;
            last = field.max;
        } else if (base.contains("-")) {
            String[] bounds = base.split("-", -1);
            if (bounds.length != 2) {
                throw notValid(field, fieldText);
            }
            first = value(field, fieldText, bounds[0]);
            last = value(field, fieldText, bounds[1]);
            if (field == Field.DAY_OF_WEEK && last == 0 && first > 0 && bounds[1].equalsIgnoreCase("sun")) {
                // "fri-sun" means Friday to Sunday; Sunday is also 7, which keeps the range ascending.
                last = 7;
            }
            if (first > last) {
                throw new InvalidSchedule(field.describe() + " has a reversed range: " + element
                        + " (a range goes from low to high; for one that wraps around write "
                        + wrapped(field, first, last) + ")");
            }
        } else {
            first = value(field, fieldText, base);
            // "5/15" is cronie's and Quartz's "from 5 to the end, every 15".
            last = stepped ? field.max : first;
        }
        for (int v = first; v <= last; v += step) {
            values.set(v);
        }
    }

    private static String wrapped(Field field, int first, int last) {
        // For days of the week, 7 already stands for Sunday, so the wrapped part starts at Monday.
        int restart = field == Field.DAY_OF_WEEK ? 1 : field.min;
        String head = first == field.max ? String.valueOf(first) : first + "-" + field.max;
        if (last < restart) {
            return head;
        }
        return head + "," + (last == restart ? String.valueOf(last) : restart + "-" + last);
    }

    private static int step(Field field, String fieldText, String text) throws InvalidSchedule {
        if (!text.matches("\\d+")) {
            throw notValid(field, fieldText);
        }
        if (text.length() > 9 || Integer.parseInt(text) < 1 || Integer.parseInt(text) > field.max) {
            throw new InvalidSchedule(field.describe() + " step out of range: " + text
                    + " (allowed 1-" + field.max + ")");
        }
        return Integer.parseInt(text);
    }

    private static int value(Field field, String fieldText, String text) throws InvalidSchedule {
        if (text.matches("\\d+")) {
            if (text.length() > 9 || Integer.parseInt(text) < field.min || Integer.parseInt(text) > field.max) {
                throw new InvalidSchedule(field.describe() + " out of range: " + text
                        + " (allowed " + field.allowed() + ")");
            }
            return Integer.parseInt(text);
        }
        int index = field.names.indexOf(text.toLowerCase(Locale.ROOT));
        if (index < 0) {
            throw notValid(field, fieldText);
        }
        return field == Field.MONTH ? index + 1 : index;
    }

    private static InvalidSchedule notValid(Field field, String fieldText) {
        String numbers = field.names.isEmpty()
                ? "numbers " + field.allowed()
                : "numbers " + field.min + "-" + field.max + " or names " + field.names.get(0) + "-"
                        + field.names.get(field.names.size() - 1);
        return new InvalidSchedule(field.describe() + " is not valid: \"" + fieldText + "\" (expected "
                + numbers + ", ranges a-b, steps */n, a-b/n or a/n, separated by commas)");
    }

    /**
     * A set of values in Quartz syntax: {@code *}, a step {@code a/n} or {@code a-b/n}, or a list of
     * values and ranges.
     */
    static String render(BitSet values, int min, int max) {
        if (values.cardinality() == max - min + 1) {
            return "*";
        }
        int first = values.nextSetBit(min);
        int last = values.previousSetBit(max);
        int step = values.cardinality() >= 3 ? values.nextSetBit(first + 1) - first : 0;
        if (step > 1 && isProgression(values, first, last, step)) {
            return last + step > max ? first + "/" + step : first + "-" + last + "/" + step;
        }
        return runs(values);
    }

    private static boolean isProgression(BitSet values, int first, int last, int step) {
        if ((last - first) % step != 0 || (last - first) / step + 1 != values.cardinality()) {
            return false;
        }
        for (int v = first; v <= last; v += step) {
            if (!values.get(v)) {
                return false;
            }
        }
        return true;
    }

    private static String runs(BitSet values) {
        List<String> parts = new ArrayList<>();
        for (int start = values.nextSetBit(0); start >= 0; ) {
            int end = values.nextClearBit(start) - 1;
            parts.add(start == end ? String.valueOf(start) : start + "-" + end);
            start = values.nextSetBit(end + 1);
        }
        return String.join(",", parts);
    }
}
