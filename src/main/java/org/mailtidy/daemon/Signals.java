package org.mailtidy.daemon;

import sun.misc.Signal;

/**
 * POSIX signals: TERM and INT stop, HUP reloads. {@code sun.misc.Signal} (module jdk.unsupported)
 * is the JDK's only way to catch them; replacing the default TERM handler also means the JVM does
 * not exit with 143 before the run in progress has finished.
 */
final class Signals {
    private Signals() {
    }

    static void install(Runnable stop, Runnable reload) {
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        Signal.handle(new Signal("HUP"), s -> reload.run());
    }
}
