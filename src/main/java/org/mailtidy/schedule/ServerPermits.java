package org.mailtidy.schedule;

/**
 * Connections to one server: an {@link AccountConnection} holds a permit while its connection is
 * open, so that a node keeps no more connections to a server than it may ({@link ConnectionPool}).
 */
interface ServerPermits {
    /** Waits for a permit of {@code server}; false if none came in time. */
    boolean acquire(String server) throws InterruptedException;

    void release(String server);

    ServerPermits NONE = new ServerPermits() {
        @Override
        public boolean acquire(String server) {
            return true;
        }

        @Override
        public void release(String server) {
        }
    };
}
