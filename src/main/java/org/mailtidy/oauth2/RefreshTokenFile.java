package org.mailtidy.oauth2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mailtidy.files.DurableFiles;

/**
 * Writes a refresh token file so that a crash never leaves a half-written or world-readable token:
 * a temporary file of mode 0600 in the same folder, synced, renamed over the old file, then the
 * folder synced so the rename itself survives a power failure (new folders are 0700).
 */
public final class RefreshTokenFile {
    private RefreshTokenFile() {
    }

    public static void write(Path file, String refreshToken) throws OAuth2Exception {
        try {
            DurableFiles.SYSTEM.replace(file, (refreshToken + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OAuth2Exception(OAuth2Exception.Kind.FAILED, "cannot write the refresh token to " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }
}
