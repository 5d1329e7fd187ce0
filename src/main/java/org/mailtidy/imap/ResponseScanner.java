package org.mailtidy.imap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the server's byte stream one response at a time (lines, and the literals announced as
 * {@code {n}} at their end) and stops it, before Angus's reader has allocated anything for it, at
 * the first thing past the {@link ServerLimits}: a literal, a line, too many responses to one
 * command, a message count or UID out of range, or bytes that cannot begin an IMAP response.
 */
final class ResponseScanner {
    private static final int PREFIX = 64;
    private static final int MAX_TAG = 64;
    /** Lines that are not IMAP responses let through on one connection. */
    static final int MAX_JUNK_LINES = 10;
    private static final Pattern NUMBERED = Pattern.compile("^\\* (\\d+) (EXISTS|EXPUNGE|FETCH|RECENT)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UID_CODE = Pattern.compile("^\\* OK \\[(UIDNEXT|UIDVALIDITY) (\\d+)\\]",
            Pattern.CASE_INSENSITIVE);

    private enum State { TOKEN, LINE, LITERAL }

    private final ResponseGuard guard;
    private State state = State.TOKEN;
    private int tokenLength;
    private boolean continuation;
    private long lineLength;
    private long literalLeft;
    private final byte[] prefix = new byte[PREFIX];
    private int prefixLength;
    private boolean analysed;
    private int junkLines;
    /** 0 none, 1 digits after '{', 2 after '}', 3 after "}\r". */
    private int brace;
    private long braceValue;
    private int braceDigits;

    /** The line limit as it was when the line began (it grows with EXISTS, read at line ends). */
    private long lineLimit;

    ResponseScanner(ResponseGuard guard) {
        this.guard = guard;
        this.lineLimit = guard.lineLimit();
    }

    void scan(byte[] b, int off, int len) throws LimitExceeded {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (state == State.LITERAL) {
                long take = Math.min(literalLeft, end - i);
                literalLeft -= take;
                i += (int) take;
                if (literalLeft == 0) {
                    state = State.LINE;
                }
                continue;
            }
            byte c = b[i++];
            if (c == 0) {
                throw guard.fail("sent a NUL byte in a response line");
            }
            if (prefixLength < PREFIX) {
                prefix[prefixLength++] = c;
            }
            if (++lineLength > lineLimit) {
                throw guard.fail("sent a response line longer than " + ServerLimits.octets(lineLimit)
                        + " (the limit for a mailbox of " + guard.exists() + " messages)");
            }
            if (state == State.TOKEN) {
                token(c);
                if (state == State.TOKEN) {
                    continue;
                }
            }
            if (c == '\n') {
                if (brace == 3) {
                    literal();
                } else {
                    lineEnded();
                }
                continue;
            }
            braces(c);
        }
    }

    /** The first token of a response: {@code *}, {@code +}, or a tag, then a space. */
    private void token(byte c) throws LimitExceeded {
        if (tokenLength == 0) {
            continuation = c == '+';
        }
        if (c == ' ') {
            if (tokenLength == 0) {
                junkOr(notImap(c));
                return;
            }
            state = State.LINE;
            return;
        }
        if ((c == '\r' || c == '\n') && continuation && tokenLength == 1) {
            // "+" alone: a continuation request without text
            state = State.LINE;
            return;
        }
        boolean tagChar = c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '"'
                && c != '\\';
        if (!tagChar || ++tokenLength > MAX_TAG || tokenLength > 1 && (prefix[0] == '*' || continuation)) {
            junkOr(notImap(c));
        }
    }

    /**
     * A line that cannot be an IMAP response: Angus skips one (and mailtidy with it, for the odd
     * server that prints a warning), so a few are let through; a stream of them is junk.
     */
    private LimitExceeded notImap(byte c) {
        state = State.LINE;
        if (++junkLines > MAX_JUNK_LINES) {
            return guard.fail(String.format(Locale.ROOT, "sent bytes that are not an IMAP response (0x%02X at the"
                    + " start of a response line, %d such lines)", c & 0xff, junkLines));
        }
        return null;
    }

    private static void junkOr(LimitExceeded e) throws LimitExceeded {
        if (e != null) {
            throw e;
        }
    }

    private void braces(byte c) {
        if (c == '{') {
            brace = 1;
            braceValue = 0;
            braceDigits = 0;
        } else if (brace == 1 && c >= '0' && c <= '9') {
            braceDigits++;
            braceValue = braceValue > Long.MAX_VALUE / 20 ? Long.MAX_VALUE : braceValue * 10 + (c - '0');
        } else if (brace == 1 && c == '}' && braceDigits > 0) {
            brace = 2;
        } else if (brace == 1 && c == '+') {
            brace = 1;
        } else if (brace == 2 && c == '\r') {
            brace = 3;
        } else {
            brace = 0;
        }
    }

    private void literal() throws LimitExceeded {
        brace = 0;
        analyse();
        if (braceValue > guard.limits().maxLiteral()) {
            throw guard.fail("sent a " + String.format(Locale.ROOT, "%,d", braceValue) + "-octet literal (limit "
                    + ServerLimits.octets(guard.limits().maxLiteral()) + ")");
        }
        literalLeft = braceValue;
        state = literalLeft == 0 ? State.LINE : State.LITERAL;
    }

    private void lineEnded() throws LimitExceeded {
        analyse();
        if (prefixLength > 0 && prefix[0] != '*' && prefix[0] != '+') {
            int space = 0;
            while (space < prefixLength && prefix[space] != ' ') {
                space++;
            }
            guard.taggedAnswer(new String(prefix, 0, space, java.nio.charset.StandardCharsets.US_ASCII));
        }
        guard.responseEnded();
        lineLimit = guard.lineLimit();
        state = State.TOKEN;
        tokenLength = 0;
        lineLength = 0;
        prefixLength = 0;
        analysed = false;
        brace = 0;
    }

    /** Message numbers and UID codes, read from the line's first bytes once per response. */
    private void analyse() throws LimitExceeded {
        if (analysed || prefixLength < 4 || prefix[0] != '*') {
            return;
        }
        analysed = true;
        String start = new String(prefix, 0, prefixLength, StandardCharsets.US_ASCII);
        Matcher m = NUMBERED.matcher(start);
        if (m.find()) {
            long n = number(m.group(1));
            if (n > guard.limits().maxMessages()) {
                throw guard.fail("sent * " + String.format(Locale.ROOT, "%,d", n) + " " + m.group(2).toUpperCase(
                        Locale.ROOT) + " (limit " + String.format(Locale.ROOT, "%,d", guard.limits().maxMessages())
                        + " messages per mailbox)");
            }
            if (m.group(2).equalsIgnoreCase("EXISTS")) {
                guard.exists(n);
            }
            return;
        }
        m = UID_CODE.matcher(start);
        if (m.find()) {
            long n = number(m.group(2));
            if (n > ServerLimits.MAX_UID) {
                throw guard.fail("sent " + m.group(1).toUpperCase(Locale.ROOT) + " "
                        + String.format(Locale.ROOT, "%,d", n) + " (UIDs end at "
                        + String.format(Locale.ROOT, "%,d", ServerLimits.MAX_UID) + ")");
            }
        }
    }

    private static long number(String digits) {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
}
