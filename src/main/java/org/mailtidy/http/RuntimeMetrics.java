package org.mailtidy.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The process's own metrics for {@code /metrics}: {@code mailtidy_build_info}, and the JVM's and the
 * process's (heap and non-heap memory, GC, threads, classes, CPU seconds, resident memory, open
 * files) from the Prometheus Java client's instrumentation
 * (docs/adr/0003-prometheus-client-for-jvm-metrics-only.md), in the same text format as
 * mailtidy's own series, which {@link MetricsRegistry} writes.
 */
public final class RuntimeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder().build();
    private final MetricsRegistry own = new MetricsRegistry();

    public RuntimeMetrics() {
        JvmMetrics.builder().register(registry);
        own.gauge("mailtidy_build_info", "Always 1; the labels say which mailtidy and which Java run", "version",
                "java").labels(BuildInfo.version(), System.getProperty("java.version")).set(1);
    }

    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return own.scrape() + out.toString(StandardCharsets.UTF_8);
    }
}
