package org.mailtidy.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Pattern;

/**
 * A small metrics registry rendered in the Prometheus text exposition format, version 0.0.4:
 * counters, gauges and histograms with labels. Thread-safe; families appear in registration order,
 * series of a family sorted by label values, so the output is stable.
 */
public final class MetricsRegistry {
    /** The Content-Type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Family<?>> families = new CopyOnWriteArrayList<>();

    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, labelNames));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, labelNames));
    }

    /** {@code upperBounds} ascending; the {@code +Inf} bucket is implied. */
    public Histogram histogram(String name, String help, double[] upperBounds, String... labelNames) {
        return register(new Histogram(name, help, upperBounds, labelNames));
    }

    private <F extends Family<?>> F register(F family) {
        if (families.stream().anyMatch(f -> f.name.equals(family.name))) {
            throw new IllegalArgumentException("metric " + family.name + " is registered twice");
        }
        families.add(family);
        return family;
    }

    /** Every family with its series, as a Prometheus scrape answer. */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        for (Family<?> f : families) {
            f.write(out);
        }
        return out.toString();
    }

    /** A metric family: one series per distinct combination of label values. */
    public abstract static class Family<S> {
        final String name;
        final String help;
        /** The exposition format's TYPE: counter, gauge or histogram. */
        final String type;
        final List<String> labelNames;
        private final Map<List<String>, S> series = new ConcurrentHashMap<>();

        Family(String name, String help, String type, String... labelNames) {
            if (!METRIC_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid metric name " + name);
            }
            for (String l : labelNames) {
                if (!LABEL_NAME.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                    throw new IllegalArgumentException("invalid label name " + l + " of " + name);
                }
            }
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = List.of(labelNames);
        }

        /** The series with these label values (in the order of the label names), created at 0 if new. */
        public S labels(String... values) {
            if (values.length != labelNames.size()) {
                throw new IllegalArgumentException(name + " has labels " + labelNames + ", got "
                        + Arrays.toString(values));
            }
            return series.computeIfAbsent(List.of(values), k -> newSeries());
        }

        /**
         * Drops every series whose label values fail {@code keep}: the series of a mailbox, rule or
         * account that left the configuration, so a dashboard or a staleness alert does not see it
         * for ever.
         */
        public void retain(java.util.function.Predicate<List<String>> keep) {
            series.keySet().removeIf(labelValues -> !keep.test(labelValues));
        }

        abstract S newSeries();

        abstract void writeSeries(StringBuilder out, List<String> labelValues, S s);

        void write(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            List<Map.Entry<List<String>, S>> sorted = new ArrayList<>(series.entrySet());
            sorted.sort(Map.Entry.comparingByKey(LABEL_ORDER));
            for (Map.Entry<List<String>, S> e : sorted) {
                writeSeries(out, e.getKey(), e.getValue());
            }
        }

        void sample(StringBuilder out, String sampleName, List<String> labelValues, String extraLabel,
                    String extraValue, double value) {
            out.append(sampleName);
            if (!labelNames.isEmpty() || extraLabel != null) {
                out.append('{');
                for (int i = 0; i < labelNames.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(labelNames.get(i)).append("=\"").append(escapeLabel(labelValues.get(i))).append('"');
                }
                if (extraLabel != null) {
                    out.append(labelNames.isEmpty() ? "" : ",").append(extraLabel).append("=\"").append(extraValue)
                            .append('"');
                }
                out.append('}');
            }
            out.append(' ').append(format(value)).append('\n');
        }
    }

    private static final Comparator<List<String>> LABEL_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** A series that is one number. */
    public interface Value {
        double get();
    }

    /** A family whose series are one sample each: counters and gauges. */
    public abstract static class SingleValued<S extends Value> extends Family<S> {
        SingleValued(String name, String help, String type, String... labelNames) {
            super(name, help, type, labelNames);
        }

        @Override
        final void writeSeries(StringBuilder out, List<String> labelValues, S s) {
            sample(out, name, labelValues, null, null, s.get());
        }
    }

    /** A value that only goes up (reset when the process starts). */
    public static final class Counter extends SingleValued<Counter.Series> {
        Counter(String name, String help, String... labelNames) {
            super(name, help, "counter", labelNames);
        }

        public static final class Series implements Value {
            private final DoubleAdder value = new DoubleAdder();

            public void inc() {
                value.add(1);
            }

            public void inc(double amount) {
                if (amount < 0) {
                    throw new IllegalArgumentException("a counter cannot go down: " + amount);
                }
                value.add(amount);
            }

            @Override
            public double get() {
                return value.sum();
            }
        }

        @Override
        Series newSeries() {
            return new Series();
        }
    }

    /** A value that is set. */
    public static final class Gauge extends SingleValued<Gauge.Series> {
        Gauge(String name, String help, String... labelNames) {
            super(name, help, "gauge", labelNames);
        }

        public static final class Series implements Value {
            private volatile double value;

            public void set(double v) {
                value = v;
            }

            @Override
            public double get() {
                return value;
            }
        }

        @Override
        Series newSeries() {
            return new Series();
        }
    }

    /** Observations counted into cumulative buckets, with their sum and count. */
    public static final class Histogram extends Family<Histogram.Series> {
        private final double[] upperBounds;

        Histogram(String name, String help, double[] upperBounds, String... labelNames) {
            super(name, help, "histogram", labelNames);
            for (int i = 1; i < upperBounds.length; i++) {
                if (!(upperBounds[i] > upperBounds[i - 1])) {
                    throw new IllegalArgumentException("buckets of " + name + " must ascend");
                }
            }
            this.upperBounds = upperBounds.clone();
        }

        public final class Series {
            private final long[] counts = new long[upperBounds.length];
            private long count;
            private double sum;

            public synchronized void observe(double value) {
                for (int i = 0; i < upperBounds.length; i++) {
                    if (value <= upperBounds[i]) {
                        counts[i]++;
                    }
                }
                count++;
                sum += value;
            }

            synchronized long[] snapshot() {
                long[] s = Arrays.copyOf(counts, counts.length + 1);
                s[counts.length] = count;
                return s;
            }

            synchronized double sum() {
                return sum;
            }
        }

        @Override
        Series newSeries() {
            return new Series();
        }

        @Override
        void writeSeries(StringBuilder out, List<String> labelValues, Series s) {
            double sum = s.sum();
            long[] cumulative = s.snapshot();
            for (int i = 0; i < upperBounds.length; i++) {
                sample(out, name + "_bucket", labelValues, "le", format(upperBounds[i]), cumulative[i]);
            }
            long count = cumulative[upperBounds.length];
            sample(out, name + "_bucket", labelValues, "le", "+Inf", count);
            sample(out, name + "_sum", labelValues, null, null, sum);
            sample(out, name + "_count", labelValues, null, null, count);
        }
    }

    /** A sample value as the exposition format writes it: integers without a fraction. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
