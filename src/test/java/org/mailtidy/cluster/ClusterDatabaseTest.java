package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterDatabaseTest {

    @Test
    void quartzPoolGetsTheTimeoutsUnlessTheUrlSetsThem() {
        assertThat(new ClusterDatabase("jdbc:postgresql://db/mt", "u", "p").urlWithTimeouts())
                .startsWith("jdbc:postgresql://db/mt?").contains("connectTimeout=5", "socketTimeout=30",
                        "tcpKeepAlive=true", "ApplicationName=mailtidy");
        assertThat(new ClusterDatabase("jdbc:postgresql://db/mt?socketTimeout=90", "u", "p").urlWithTimeouts())
                .contains("socketTimeout=90").doesNotContain("socketTimeout=30").contains("&connectTimeout=5");
    }

    @Test
    void aDatabaseWithoutPasswordGetsNone() throws Exception {
        ClusterDatabase db = ClusterDatabase.of(new org.mailtidy.config.Cluster("jdbc:postgresql://db/mt", "u", null));
        assertThat(db.driverProperties()).containsEntry("user", "u").doesNotContainKey("password");
        assertThat(db.quartzDataSource("q", 10)).doesNotContainKey("org.quartz.dataSource.q.password");
    }

    @Test
    void thePasswordIsNeverShown() {
        ClusterDatabase db = new ClusterDatabase("jdbc:postgresql://db/mt", "u", "s3cret");
        assertThat(db.toString()).doesNotContain("s3cret");
        assertThat(db.urlWithTimeouts()).doesNotContain("s3cret");
    }

    @Test
    void aPasswordInTheUrlIsMaskedWhereverTheUrlIsShown() {
        ClusterDatabase db = new ClusterDatabase(
                "jdbc:postgresql://db:5432/mt?sslmode=verify-full&password=s3cret&sslpassword=k3y&user=u", "u", null);
        assertThat(db.toString()).isEqualTo(
                "jdbc:postgresql://db:5432/mt?sslmode=verify-full&password=***&sslpassword=***&user=u as u");
        assertThat(db.displayUrl()).doesNotContain("s3cret", "k3y");
        assertThat(org.mailtidy.config.Cluster.displayUrl("jdbc:postgresql://u:s3cret@db/mt?PASSWORD=x"))
                .isEqualTo("jdbc:postgresql://***@db/mt?PASSWORD=***");
        assertThat(new org.mailtidy.config.Cluster("jdbc:postgresql://db/mt?password=s3cret", "u", null).toString())
                .doesNotContain("s3cret");
    }
}
