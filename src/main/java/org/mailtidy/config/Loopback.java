package org.mailtidy.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Whether a host name names this machine without a network in between, decided without DNS. */
final class Loopback {

    private static final Pattern IPV4_LOOPBACK =
            Pattern.compile("127\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){2}");
    private static final Pattern IPV6_LOOPBACK = Pattern.compile("(0{0,4}:){2,7}0{0,3}1|::1");

    private Loopback() {
    }

    /** {@code localhost}, {@code 127.0.0.0/8} or {@code ::1} (also in brackets). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()
                || (IPV6_LOOPBACK.matcher(h).matches() && isAllZeroThenOne(h));
    }

    private static boolean isAllZeroThenOne(String h) {
        try {
            byte[] b = java.net.InetAddress.getByName(h).getAddress();
            for (int i = 0; i < b.length - 1; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b.length == 16 && b[15] == 1;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
