package org.mailtidy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailtidy.rules.Flag;

/** The value syntaxes on their own: durations, days, sizes, dates, flags, variables, hosts. */
class SyntaxTest {

    @ParameterizedTest
    @CsvSource({"45s, 45", "90m, 5400", "12h, 43200", "30d, 2592000", "2w, 1209600", "1y, 31536000"})
    void durations(String text, long seconds) throws Exception {
        assertThat(Syntax.duration(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30 d", "30days", "1.5h", "-1d", "30D", "d", "PT1H"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Syntax.duration(text))
                .hasMessage("expected a duration such as 90m, 12h, 30d, 2w or 1y, got \"" + text + "\"");
    }

    @Test
    void zeroAndHugeDurations() {
        assertThatThrownBy(() -> Syntax.duration("0m")).hasMessage("expected a duration greater than 0, got \"0m\"");
        assertThatThrownBy(() -> Syntax.duration("99999999999999999y"))
                .hasMessage("duration \"99999999999999999y\" is too large");
    }

    @ParameterizedTest
    @CsvSource({"30d, 30", "2w, 14", "1y, 365", "0d, 0"})
    void days(String text, int days) throws Exception {
        assertThat(Syntax.days(text)).isEqualTo(days);
    }

    @Test
    void daysRejectUnitsBelowADayAndCenturies() {
        assertThatThrownBy(() -> Syntax.days("90m")).hasMessageStartingWith(
                "expected a number of days such as 30d, 2w or 1y, got \"90m\" (the Date: header is compared by calendar day");
        assertThatThrownBy(() -> Syntax.days("101y")).hasMessage("expected at most 100 years, got \"101y\"");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "50000, 50000", "500KB, 512000", "10MB, 10485760", "2gb, 2147483648", "3GB, 3221225472"})
    void sizes(String text, long bytes) throws Exception {
        assertThat(Syntax.size(text)).isEqualTo(bytes);
    }

    @Test
    void sizesAreBelowFourGigabytes() {
        assertThatThrownBy(() -> Syntax.size("4GB")).hasMessage("size \"4GB\" is too large: IMAP sizes are below 4GB");
        assertThatThrownBy(() -> Syntax.size("10 MB")).hasMessageStartingWith("expected a size in bytes");
    }

    @Test
    void datesAreStrictAndReal() throws Exception {
        assertThat(Syntax.date("2024-02-29")).hasToString("2024-02-29");
        assertThatThrownBy(() -> Syntax.date("2023-02-29")).hasMessage("no such date: 2023-02-29");
        assertThatThrownBy(() -> Syntax.date("2023-2-1"))
                .hasMessage("expected a date YYYY-MM-DD such as 2026-01-31, got \"2023-2-1\"");
    }

    @Test
    void booleansAreTrueOrFalseOnly() throws Exception {
        assertThat(Syntax.bool("true")).isTrue();
        assertThat(Syntax.bool("False")).isFalse();
        for (String yaml11 : List.of("yes", "no", "on", "off", "y")) {
            assertThatThrownBy(() -> Syntax.bool(yaml11)).hasMessage("expected true or false, got \"" + yaml11 + "\"");
        }
    }

    @Test
    void integersAreDecimalInRange() throws Exception {
        assertThat(Syntax.integer("+993", 1, 65535)).isEqualTo(993);
        assertThatThrownBy(() -> Syntax.integer("0x3e1", 1, 65535)).hasMessage("expected a whole number, got \"0x3e1\"");
        assertThatThrownBy(() -> Syntax.integer("99999999999999999999", 0, Long.MAX_VALUE))
                .hasMessage("expected a whole number at least 0, got \"99999999999999999999\"");
    }

    @Test
    void flags() throws Exception {
        assertThat(FlagSyntax.flag("\\deleted")).isEqualTo(Flag.DELETED);
        assertThat(FlagSyntax.flag("$MDNSent")).isEqualTo(Flag.of("$MDNSent"));
        assertThat(FlagSyntax.flag("NonJunk")).isEqualTo(Flag.of("NonJunk"));
        assertThatThrownBy(() -> FlagSyntax.flag("\\recent"))
                .hasMessage("\\Recent cannot be set or removed by a client (RFC 3501 section 2.3.2)");
        assertThatThrownBy(() -> FlagSyntax.flag("Recent")).hasMessage("\"Recent\" would be a keyword, not the system"
                + " flag; \\Recent cannot be set or removed by a client (RFC 3501 section 2.3.2)");
        assertThatThrownBy(() -> FlagSyntax.flag("DRAFT"))
                .hasMessage("\"DRAFT\" would be a keyword, not the system flag; did you mean \"\\Draft\"?");
        assertThatThrownBy(() -> FlagSyntax.flag("\\Answerd")).hasMessage("unknown system flag \"\\Answerd\"; did you mean \"\\Answered\"?");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a(b | \"(\"", "a)b | \")\"", "a{b | \"{\"", "a%b | \"%\"", "a*b | \"*\"", "a\"b | \"\"\"", "a]b | \"]\"",
        "a\u0001b | a control character", "Gel\u00f6scht | the non-ASCII character \"\u00f6\""})
    void keywordsAreAtoms(String keyword, String what) {
        assertThatThrownBy(() -> FlagSyntax.keyword(keyword)).hasMessageEndingWith(
                "contains " + what + ", which an IMAP keyword cannot contain (RFC 3501 atom)");
    }

    @Test
    void environmentVariables() throws Exception {
        EnvExpander env = new EnvExpander(Map.of("A", "1", "B_2", "two", "EMPTY", ""));
        assertThat(env.expand("${A}:${B_2}${EMPTY}")).isEqualTo("1:two");
        assertThat(env.expand("$${A} $A $ {A}")).isEqualTo("${A} $A $ {A}");
        assertThatThrownBy(() -> env.expand("${2A}")).hasMessageStartingWith("invalid environment variable name \"2A\"");
        assertThatThrownBy(() -> env.expand("x${NOPE}y")).hasMessage("environment variable NOPE is not set");
    }

    @Test
    void didYouMeanAllowsTwoEditsAndATransposition() {
        List<String> keys = List.of("password", "password_file", "host", "tls");
        assertThat(DidYouMean.closest("pasword", keys)).contains("password");
        assertThat(DidYouMean.closest("passwrod_file", keys)).contains("password_file");
        assertThat(DidYouMean.closest("tsl", keys)).contains("tls");
        assertThat(DidYouMean.closest("HOST", keys)).contains("host");
        assertThat(DidYouMean.closest("xyz", keys)).isEmpty();
        assertThat(DidYouMean.closest("username", keys)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"localhost, true", "LOCALHOST., true", "127.0.0.1, true", "127.255.1.9, true", "::1, true",
        "[::1], true", "0:0:0:0:0:0:0:1, true", "128.0.0.1, false", "127.0.0.256, false", "::2, false",
        "localhost.example.org, false", "10.0.0.1, false", "imap.example.org, false", "127.0.0.1.nip.io, false"})
    void loopback(String host, boolean loopback) {
        assertThat(Loopback.isLoopback(host)).isEqualTo(loopback);
    }
}
