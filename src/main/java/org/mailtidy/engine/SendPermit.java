package org.mailtidy.engine;

import java.util.Optional;

/**
 * Whether a run may still send: asked before each operation of the batch (a STORE, COPY, MOVE or
 * the EXPUNGE). In a cluster it is the mailbox's lock in the shared database: once its connection
 * is lost another node may take the mailbox, so this run must send nothing more.
 */
@FunctionalInterface
public interface SendPermit {
    /** No permit to ask: a run outside a cluster. */
    SendPermit ALWAYS = new SendPermit() {
        @Override
        public Optional<String> revoked() {
            return Optional.empty();
        }

        @Override
        public boolean guardsEachOperation() {
            return false;
        }
    };

    /** Empty while the run may send; else why not (a sentence for the run's error). */
    Optional<String> revoked();

    /**
     * True when the permit can be lost during a run, so each operation must be asked of it before it
     * is sent; then the EXPUNGE does not ride in the stores' flight (ADR 0014's amendment).
     */
    default boolean guardsEachOperation() {
        return true;
    }
}
