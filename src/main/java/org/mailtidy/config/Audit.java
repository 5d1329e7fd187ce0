package org.mailtidy.config;

import java.nio.file.Path;

/** {@code audit:} one JSON line per change, appended to {@code file}. */
public record Audit(Path file) {
}
