package org.mailtidy.engine;

import java.util.Optional;

/**
 * Whether a run may still send: asked before each operation of the batch (a STORE, COPY, MOVE or
 * the EXPUNGE). In a cluster it is the mailbox's lock in the shared database: once its connection
 * is lost another node may take the mailbox, so this run must send nothing more.
 */
@FunctionalInterface
public interface SendPermit {
    SendPermit ALWAYS = Optional::empty;

    /** Empty while the run may send; else why not (a sentence for the run's error). */
    Optional<String> revoked();
}
