package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2);

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.delay(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(4, () -> 0.5)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.delay(7, () -> 0.5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.delay(10_000, () -> 0.5)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void jitterSpreadsEachDelayByAtMostTheFraction() {
        assertThat(backoff.delay(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(1, () -> 0.999_999)).isBetween(Duration.ofMillis(5999), Duration.ofSeconds(6));
        assertThat(backoff.delay(100, () -> 0.0)).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void noFailureNoDelay() {
        assertThat(backoff.delay(0, () -> 0.5)).isZero();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
