package org.mailtidy.config;

/**
 * A secret that {@code mailtidy check --no-secrets} did not look at: a {@code ${NAME}} that is not
 * set, a password file it did not read, a command it did not run.
 *
 * @param keyPath where in the file, e.g. {@code accounts.personal.password}
 * @param line    1-based line
 * @param what    what was not checked, e.g. {@code ${MAILTIDY_PASSWORD} is not set}
 */
public record SecretNotChecked(String keyPath, int line, String what) {
}
