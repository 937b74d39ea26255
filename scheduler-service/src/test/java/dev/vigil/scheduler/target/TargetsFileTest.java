package dev.vigil.scheduler.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.SqlCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsFileTest {

    @TempDir
    Path dir;

    @Test
    void aTargetWithoutScheduleRunsDailyAtThreeInTheDefaultZone() throws IOException {
        List<Target> targets = read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                    username: backup
                """);

        assertThat(targets).singleElement().satisfies(t -> {
            assertThat(t.schedule()).isEqualTo("0 0 3 * * *");
            assertThat(t.timeZone()).isEqualTo(ZoneId.of("UTC"));
            assertThat(t.connection().port()).isEqualTo(5432);
        });
    }

    @Test
    void aFiveFieldCronAndATimeZoneAreHonoured() throws IOException {
        List<Target> targets = read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                    username: backup
                    schedule: "30 1 * * 1-5"
                    timeZone: Europe/Berlin
                """);

        assertThat(targets.getFirst().schedule()).isEqualTo("0 30 1 * * 1-5");
        assertThat(targets.getFirst().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    void aPasswordInTheFileIsRefusedWithWhatToUseInstead() {
        assertThatThrownBy(() -> read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                    username: backup
                    password: hunter2
                """)).isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining("targets[0]")
                .hasMessageContaining("passwordEnv")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void mistakesNameTheTargetAndTheField() {
        assertThatThrownBy(() -> read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                """)).hasMessageContaining("(orders-db)").hasMessageContaining("'username' is required");
        assertThatThrownBy(() -> read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                    username: backup
                    schedule: "every night"
                """)).hasMessageContaining("schedule 'every night' is not a cron expression");
        assertThatThrownBy(() -> read("""
                targets:
                  - id: Orders DB
                    host: db.internal
                    database: orders
                    username: backup
                """)).hasMessageContaining("targetId must match");
    }

    @Test
    void dumpOptionsAreReadAndTheirMistakesNamed() throws IOException {
        List<Target> targets = read("""
                targets:
                  - id: orders-db
                    host: db.internal
                    database: orders
                    username: backup
                    dump:
                      format: plain
                      schemas: [sales]
                      excludeTables: [sales.audit_log]
                """);

        assertThat(targets.getFirst().dump().format()).isEqualTo("plain");
        assertThat(targets.getFirst().dump().includes("sales", "orders")).isTrue();
        assertThat(targets.getFirst().dump().includes("sales", "audit_log")).isFalse();
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, dump: {schemas: ["sa*"]}}
                """)).hasMessageContaining("(a)").hasMessageContaining("exact names, no wildcards");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, dump: {parallel: 4}}
                """)).hasMessageContaining("unknown field 'dump.parallel'");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, dump: {jobs: 4}}
                """)).hasMessageContaining("set format: directory");
    }

    @Test
    void retentionIsReadWithDefaultsForWhatIsLeftOutAndItsMistakesNamed() throws IOException {
        List<Target> targets = read("""
                targets:
                  - {id: a, host: h, database: d, username: u, retention: {daily: 14, yearly: 10, keepWithinDays: 30}}
                  - {id: b, host: h, database: d, username: u}
                """);

        assertThat(targets.get(0).retention()).isEqualTo(new RetentionPolicy(14, 4, 12, 10, 30, 3));
        assertThat(targets.get(1).retention()).as("no block: the storage service's default").isNull();
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, retention: {hourly: 24}}
                """)).hasMessageContaining("(a)").hasMessageContaining("unknown field 'retention.hourly'").hasMessageContaining("daily, weekly");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, retention: {daily: -1}}
                """)).hasMessageContaining("retention.daily must be 0 or more");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, retention: {daily: 0, weekly: 0, monthly: 0, yearly: 0, minVerified: 0}}
                """)).hasMessageContaining("keeps no verified backup at all");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, retention: {daily: seven}}
                """)).hasMessageContaining("'retention.daily' must be a whole number, got: seven");
    }

    @Test
    void checksAreReadAndTheirMistakesNamed() throws IOException {
        List<Target> targets = read("""
                targets:
                  - id: a
                    host: h
                    database: d
                    username: u
                    checks:
                      - name: orders exist
                        sql: select count(*) > 0 from sales.orders
                """);

        assertThat(targets.getFirst().checks()).containsExactly(new SqlCheck("orders exist", "select count(*) > 0 from sales.orders"));
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, checks: [{name: x}]}
                """)).hasMessageContaining("(a)").hasMessageContaining("check 'x' needs sql");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, checks: [{name: x, sql: select true}, {name: x, sql: select false}]}
                """)).hasMessageContaining("two checks are named 'x'");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, checks: [{name: x, query: select true}]}
                """)).hasMessageContaining("unknown field 'checks[0].query'");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, checks: [{name: x, sql: "set local statement_timeout = 0; select pg_sleep(1e9)"}]}
                """)).hasMessageContaining("(a)").hasMessageContaining("check 'x' must be one statement");
        assertThat(read("""
                targets:
                  - {id: a, host: h, database: d, username: u, checks: [{name: x, sql: "select true;"}]}
                """).getFirst().checks()).extracting(SqlCheck::sql).containsExactly("select true;");
    }

    @Test
    void tlsSettingsAreReadAsLibpqNamesThemAndTheirMistakesNamed() throws IOException {
        List<Target> targets = read("""
                targets:
                  - {id: a, host: h, database: d, username: u, sslmode: verify-full, sslrootcert: /etc/vigil/tls/ca.pem}
                  - {id: b, host: h, database: d, username: u}
                """);

        assertThat(targets.get(0).connection().sslmode()).isEqualTo("verify-full");
        assertThat(targets.get(0).connection().sslrootcert()).isEqualTo("/etc/vigil/tls/ca.pem");
        assertThat(targets.get(1).connection().sslmodeOrDefault()).as("libpq's own default").isEqualTo("prefer");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, sslmode: verify}
                """)).hasMessageContaining("(a)").hasMessageContaining("sslmode must be one of disable, prefer, require, verify-ca, verify-full");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, sslmode: verify-ca, sslrootcert: ca.pem}
                """)).hasMessageContaining("sslrootcert must be an absolute path on the dump workers");
    }

    @Test
    void labelsAndMonitoringAreReadAndLeftOutTheyMeanNoneAndEveryDefault() throws IOException {
        List<Target> targets = read("""
                targets:
                  - id: a
                    host: h
                    database: d
                    username: u
                    labels: {team: payments, tier: 1}
                    monitoring:
                      freshness: 25h
                      history: 20
                      minHistory: 4
                      sizeTolerancePercent: 30
                      tableLossPercent: 40
                      tableMinRows: 1000
                  - {id: b, host: h, database: d, username: u, monitoring: {freshness: PT90M}}
                  - {id: c, host: h, database: d, username: u, monitoring: {freshness: 2d}}
                  - {id: d, host: h, database: d, username: u}
                """);

        assertThat(targets.get(0).labels()).as("a number as a label value is its text").isEqualTo(Map.of("team", "payments", "tier", "1"));
        assertThat(targets.get(0).monitoring()).isEqualTo(new Monitoring(25 * 3600L, null, 20, 4, 30, 40, 1000L));
        assertThat(targets.get(1).monitoring().freshnessLimitSeconds()).as("ISO-8601").isEqualTo(90 * 60L);
        assertThat(targets.get(2).monitoring().freshnessLimitSeconds()).isEqualTo(2 * 86_400L);
        assertThat(targets.get(3).labels()).isEmpty();
        assertThat(targets.get(3).monitoring()).isEqualTo(Monitoring.DEFAULTS);
    }

    @Test
    void anUnknownMonitoringFieldIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, monitoring: {freshnes: 25h}}
                """)).isInstanceOf(InvalidTargetsException.class).hasMessageContaining("targets.yml").hasMessageContaining("(a)")
                .hasMessageContaining("unknown field 'monitoring.freshnes'")
                .hasMessageContaining("known: freshness, history, minHistory, sizeTolerancePercent, tableLossPercent, tableMinRows");
    }

    @Test
    void aFreshnessThatIsNoDurationIsRefusedSayingHowToWriteOne() {
        for (String freshness : List.of("\"25 hours\"", "25", "PT", "-1h")) {
            assertThatThrownBy(() -> read("""
                    targets:
                      - {id: a, host: h, database: d, username: u, monitoring: {freshness: %s}}
                    """.formatted(freshness))).as(freshness).isInstanceOf(InvalidTargetsException.class)
                    .hasMessageContaining("(a)").hasMessageContaining("'monitoring.freshness'")
                    .hasMessageMatching("(?s).*(such as 90m, 25h, 2d or PT25H|at least 1s).*");
        }
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, monitoring: {freshness: 25 hours}}
                """)).hasMessageContaining("'monitoring.freshness' must be a duration with its unit, such as 90m, 25h, 2d or PT25H (ISO-8601), "
                + "got: 25 hours");
    }

    @Test
    void badMonitoringNumbersAreRefusedNamingTheField() {
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, monitoring: {history: many}}
                """)).hasMessageContaining("(a)").hasMessageContaining("'monitoring.history' must be a whole number, got: many");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, monitoring: {tableLossPercent: 150}}
                """)).hasMessageContaining("(a)").hasMessageContaining("monitoring.tableLossPercent must be from 1 to 100, got: 150");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, monitoring: 25h}
                """)).hasMessageContaining("'monitoring' must be a mapping with freshness");
    }

    @Test
    void aBadLabelIsRefusedNamingTheTargetAndTheLabel() {
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, labels: {Team: payments}}
                """)).isInstanceOf(InvalidTargetsException.class).hasMessageContaining("targets.yml").hasMessageContaining("(a)")
                .hasMessageContaining("'labels'").hasMessageContaining("label key 'Team' must be 1 to 63 lower-case letters");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, labels: {team: }}
                """)).hasMessageContaining("(a)").hasMessageContaining("label 'team' needs a value");
        assertThatThrownBy(() -> read("""
                targets:
                  - {id: a, host: h, database: d, username: u, labels: [team, payments]}
                """)).hasMessageContaining("(a)").hasMessageContaining("'labels' must be a mapping of key: value");
    }

    @Test
    void twoTargetsWithOneIdAreRefused() throws IOException {
        List<Target> targets = read("""
                targets:
                  - {id: a, host: h, database: d, username: u}
                  - {id: a, host: h, database: e, username: u}
                """);

        assertThatThrownBy(() -> new TargetList(targets)).hasMessageContaining("'a' is defined twice");
    }

    private List<Target> read(String yaml) throws IOException {
        Path file = dir.resolve("targets.yml");
        Files.writeString(file, yaml);
        return TargetsFile.read(file, "0 0 3 * * *", ZoneId.of("UTC"));
    }
}
