package org.mailtidy.config;

import java.util.regex.Pattern;

/** {@code cluster:} the PostgreSQL database the Quartz cluster shares. */
public record Cluster(String jdbcUrl, String username, SecretSource password) {
    /** URL parameters that may hold a secret (PgJDBC reads {@code password} and {@code sslpassword}). */
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&](?:[a-z]*password|[a-z]*secret|[a-z]*token)=)[^&]*");
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?]*@");

    /** The URL for logs and {@code /status}: passwords in the query and any user:password@ are masked. */
    public String displayUrl() {
        return displayUrl(jdbcUrl);
    }

    public static String displayUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceFirst("$1***@");
    }

    @Override
    public String toString() {
        return "Cluster[" + displayUrl() + " as " + username + ", " + password + "]";
    }
}
