package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DaemonOptionsTest {
    @Test
    void readsDurationsWithUnits() {
        assertThat(DaemonOptions.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DaemonOptions.parse("x", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DaemonOptions.parse("x", " 5m ")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DaemonOptions.parse("x", "1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> DaemonOptions.parse("mailtidy.stop_grace", "soon"))
                .hasMessage("mailtidy.stop_grace: expected a duration such as 500ms, 30s, 5m or 1h, got \"soon\"");
    }

    @Test
    void theGracePeriodStaysBelowSystemdsStopTimeout() {
        assertThat(DaemonOptions.defaults().stopGrace()).isLessThan(Duration.ofSeconds(90));
    }
}
