package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuartzSchemaDdlTest {

    @Test
    void theShippedDdlBecomesElevenTablesAndTwentyIndexesWithoutDropsOrCommit() throws Exception {
        List<String> statements = QuartzSchema.statements(QuartzSchema.readDdl());
        assertThat(statements).noneMatch(s -> s.toUpperCase().contains("DROP") || s.toUpperCase().contains("COMMIT"));
        assertThat(statements).filteredOn(s -> s.startsWith("CREATE TABLE")).hasSize(11);
        assertThat(statements).filteredOn(s -> s.startsWith("CREATE INDEX")).hasSize(20);
        Map<String, Set<String>> columns = QuartzSchema.columns(statements);
        assertThat(columns).hasSize(11).containsKeys("qrtz_job_details", "qrtz_fired_triggers", "qrtz_locks");
        assertThat(columns.get("qrtz_locks")).containsExactlyInAnyOrder("sched_name", "lock_name");
        assertThat(columns.get("qrtz_fired_triggers")).contains("sched_time", "requests_recovery", "instance_name")
                .doesNotContain("primary", "references");
    }
}
