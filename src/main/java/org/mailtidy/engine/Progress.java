package org.mailtidy.engine;

/**
 * What a mailbox run is doing now, for a person watching a terminal: {@code once} shows a phase
 * that lasts longer than two seconds (reading a large mailbox, saving backups). Called from the
 * run's own thread; an implementation must not block it.
 */
public interface Progress {
    /** Shows nothing: the daemon, and {@code once} when standard error is not a terminal. */
    Progress NONE = new Progress() {
        @Override
        public void phase(String account, String mailbox, String what) {
        }

        @Override
        public void step(long done, long total) {
        }

        @Override
        public void idle() {
        }
    };

    /** The calling run starts {@code what} on this mailbox ("reading 100,000 messages"). */
    void phase(String account, String mailbox, String what);

    /** Of the calling run's phase, {@code done} of {@code total} items are done. */
    void step(long done, long total);

    /** The calling run's phase is over. */
    void idle();
}
