package org.mailtidy.config;

/** A secret that could not be read. The message never contains the secret or a command's output. */
public final class SecretException extends Exception {

    public SecretException(String message) {
        super(message);
    }
}
