package org.mailtidy.config;

/** {@code cluster:} the PostgreSQL database the Quartz cluster shares. */
public record Cluster(String jdbcUrl, String username, SecretSource password) {
}
