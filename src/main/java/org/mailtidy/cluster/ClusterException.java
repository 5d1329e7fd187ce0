package org.mailtidy.cluster;

/** The cluster database cannot be used: unreachable, or its tables do not match. The message says why. */
public final class ClusterException extends Exception {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
