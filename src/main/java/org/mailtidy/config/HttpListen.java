package org.mailtidy.config;

/** {@code http.listen: host:port}. */
public record HttpListen(String host, int port) {
}
