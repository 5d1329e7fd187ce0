package org.mailtidy.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.core.QuartzScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Quartz tables on first start, from the DDL that ships in the Quartz jar, and checks
 * them on every start. Creation is one transaction under a PostgreSQL advisory lock, so of two
 * nodes starting at once one creates the tables and the other finds them.
 */
public final class QuartzSchema {
    private static final Logger LOG = LoggerFactory.getLogger(QuartzSchema.class);
    static final String DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)CREATE\\s+TABLE\\s+(\\w+)\\s*\\((.*)\\)");

    /** mailtidy's own tables; {@code IF NOT EXISTS} makes them safe to run on every start. */
    private static final List<String> OWN_TABLES = List.of("""
            CREATE TABLE IF NOT EXISTS mailtidy_cluster (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              anchor BIGINT NOT NULL)""", """
            INSERT INTO mailtidy_cluster (id, anchor)
              VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) ON CONFLICT DO NOTHING""", """
            CREATE TABLE IF NOT EXISTS mailtidy_config (
              digest VARCHAR(64) PRIMARY KEY,
              file_modified BIGINT NOT NULL,
              applied_at BIGINT NOT NULL,
              applied_by VARCHAR(200) NOT NULL)""", """
            CREATE TABLE IF NOT EXISTS mailtidy_run (
              id BIGSERIAL PRIMARY KEY,
              account VARCHAR(200) NOT NULL,
              mailbox VARCHAR(1000) NOT NULL,
              schedule VARCHAR(1000) NOT NULL,
              due BIGINT NOT NULL,
              node VARCHAR(200) NOT NULL,
              recovering BOOLEAN NOT NULL,
              started BIGINT NOT NULL,
              finished BIGINT,
              reached BOOLEAN,
              ok BOOLEAN)""",
            "CREATE INDEX IF NOT EXISTS mailtidy_run_mailbox ON mailtidy_run (account, mailbox, schedule, started)",
            "CREATE INDEX IF NOT EXISTS mailtidy_run_started ON mailtidy_run (started)");

    private QuartzSchema() {
    }

    /** What {@link #ensure} did. */
    public enum Outcome { CREATED, PRESENT }

    /**
     * Creates the Quartz and mailtidy tables if the database has none of the Quartz tables; checks
     * every table and column of Quartz's DDL otherwise.
     *
     * @throws ClusterException naming what is missing, if only some of Quartz's tables or columns exist
     */
    public static Outcome ensure(ClusterDatabase db) throws ClusterException {
        List<String> ddl = statements(readDdl());
        Map<String, Set<String>> expected = columns(ddl);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + Locks.SPACE + ", " + Locks.SCHEMA + ")");
                }
                Map<String, Set<String>> actual = existingColumns(c, expected.keySet());
                Outcome outcome;
                if (actual.isEmpty()) {
                    try (Statement s = c.createStatement()) {
                        for (String statement : ddl) {
                            s.execute(statement);
                        }
                    }
                    outcome = Outcome.CREATED;
                } else {
                    verify(expected, actual, db);
                    outcome = Outcome.PRESENT;
                }
                try (Statement s = c.createStatement()) {
                    for (String statement : OWN_TABLES) {
                        s.execute(statement);
                    }
                }
                c.commit();
                if (outcome == Outcome.CREATED) {
                    LOG.info("created the Quartz tables ({} tables from {} of Quartz {}) in {}", expected.size(),
                            DDL, quartzVersion(), db);
                }
                return outcome;
            } catch (SQLException | ClusterException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ClusterException("cluster database " + db + ": " + e.getMessage(), e);
        }
    }

    private static void verify(Map<String, Set<String>> expected, Map<String, Set<String>> actual,
                               ClusterDatabase db) throws ClusterException {
        List<String> problems = new ArrayList<>();
        expected.forEach((table, columns) -> {
            Set<String> have = actual.get(table);
            if (have == null) {
                problems.add("table " + table + " is missing");
                return;
            }
            for (String column : columns) {
                if (!have.contains(column)) {
                    problems.add("table " + table + " has no column " + column);
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new ClusterException("cluster database " + db + ": its Quartz tables do not match Quartz "
                    + quartzVersion() + ", which mailtidy uses (" + String.join("; ", problems) + "). They were"
                    + " made by another Quartz version or changed by hand: upgrade them with Quartz's migration"
                    + " scripts, or point cluster.jdbc_url at an empty database, where mailtidy creates them");
        }
    }

    private static Map<String, Set<String>> existingColumns(Connection c, Set<String> tables) throws SQLException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("varchar", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    static String readDdl() throws ClusterException {
        try (InputStream in = QuartzSchema.class.getClassLoader().getResourceAsStream(DDL)) {
            if (in == null) {
                throw new ClusterException(DDL + " is missing from the class path (it ships in the Quartz jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClusterException("reading " + DDL + ": " + e.getMessage(), e);
        }
    }

    /**
     * The DDL as statements, without its comments, its {@code DROP TABLE} lines (it is written to
     * reset a database; here it must only ever add) and its {@code COMMIT} (the caller commits).
     */
    static List<String> statements(String ddl) {
        StringBuilder kept = new StringBuilder();
        for (String line : ddl.split("\n")) {
            String t = line.strip();
            String upper = t.toUpperCase(Locale.ROOT);
            if (!t.startsWith("--") && !upper.startsWith("DROP ") && !upper.equals("COMMIT;")) {
                kept.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : kept.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** Table → column names (lower case, as PostgreSQL folds unquoted names) of the CREATE TABLE statements. */
    static Map<String, Set<String>> columns(List<String> statements) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String s : statements) {
            Matcher m = CREATE_TABLE.matcher(s);
            if (!m.lookingAt()) {
                continue;
            }
            Set<String> columns = new TreeSet<>();
            for (String line : m.group(2).split("\n")) {
                String t = line.strip();
                String first = t.split("\\s+")[0].toUpperCase(Locale.ROOT);
                if (!t.isEmpty() && !Set.of("PRIMARY", "FOREIGN", "REFERENCES", "UNIQUE", "CONSTRAINT", "CHECK")
                        .contains(first)) {
                    columns.add(first.toLowerCase(Locale.ROOT));
                }
            }
            out.put(m.group(1).toLowerCase(Locale.ROOT), columns);
        }
        return out;
    }

    static String quartzVersion() {
        return QuartzScheduler.getVersionMajor() + "." + QuartzScheduler.getVersionMinor() + "."
                + QuartzScheduler.getVersionIteration();
    }
}
