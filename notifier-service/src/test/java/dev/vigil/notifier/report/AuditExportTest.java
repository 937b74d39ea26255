package dev.vigil.notifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.json.EventJson;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditExportTest {

    private static final UUID JOB = UUID.fromString("5d2e0000-0000-4000-8000-000000000001");
    private static final Verification FAILED = new Verification("orders-db", JOB, "FAILED", Instant.parse("2026-12-01T03:10:00Z"),
            Instant.parse("2026-12-01T03:00:00Z"), 1_048_576L, "ab".repeat(32), "custom", "zstd", "key-1", new BigDecimal("12.345"), 3, 5_000L,
            List.of("-table \"public\".\"a,b\": expected 2 rows,\nfound 1", "second"),
            List.of(new CheckResult("orders not empty", true, "1"), new CheckResult("+balance", false, "-3")), List.of(),
            List.of(new StoredObject("primary", "backups", "orders-db/1.dump"), new StoredObject("offsite", "replica", "orders-db/1.dump")));

    @Test
    void csvFieldsAreQuotedAsRfc4180SaysAndFormulasComeOutAsText() {
        assertThat(Csv.field("plain")).isEqualTo("plain");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("=1+2")).isEqualTo("'=1+2");
        assertThat(Csv.field("+1")).isEqualTo("'+1");
        assertThat(Csv.field("-1")).isEqualTo("'-1");
        assertThat(Csv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.field("\tx")).isEqualTo("'\tx");
        assertThat(Csv.field("=HYPERLINK(\"x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assertThat(Csv.field(-5)).as("a number is a number").isEqualTo("-5");
        assertThat(Csv.field(null)).isEmpty();
        assertThat(Csv.line(Arrays.asList("a", null, 3))).isEqualTo("a,,3\r\n");
    }

    @Test
    void csvHasAHeaderAndOneLineOfEvidencePerVerification() {
        StringWriter out = new StringWriter();
        AuditExport export = AuditExport.csv(out);
        export.begin();
        export.add(FAILED);
        assertThat(export.end()).isEqualTo(1);

        assertThat(out.toString()).startsWith(String.join(",", AuditExport.COLUMNS) + "\r\n")
                .endsWith("orders-db," + JOB + ",FAILED,2026-12-01T03:10:00Z,2026-12-01T03:00:00Z,1048576," + "ab".repeat(32)
                        + ",custom,zstd,key-1,12.345,3,5000,2,\"'-table \"\"public\"\".\"\"a,b\"\": expected 2 rows,\nfound 1\",1,1,'+balance,,"
                        + "primary:backups/orders-db/1.dump; offsite:replica/orders-db/1.dump\r\n");
    }

    @Test
    void jsonKeepsEveryDifferenceCheckAndCopyAsItWas() throws Exception {
        StringWriter out = new StringWriter();
        AuditExport export = AuditExport.json(out, new Period(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-08T00:00:00Z")),
                Instant.parse("2026-12-08T08:00:00Z"));
        export.begin();
        export.add(FAILED);
        export.add(FAILED);
        export.end();

        JsonNode json = EventJson.mapper().readTree(out.toString());
        assertThat(json.get("from").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(json.get("verifications").size()).isEqualTo(2);
        JsonNode first = json.get("verifications").get(0);
        assertThat(first.get("differences").get(0).asString()).isEqualTo("-table \"public\".\"a,b\": expected 2 rows,\nfound 1");
        assertThat(first.get("checks").get(1).get("passed").asBoolean()).isFalse();
        assertThat(first.get("copies").get(1).get("destination").asString()).isEqualTo("offsite");
        assertThat(first.get("restoreSeconds").decimalValue()).isEqualByComparingTo("12.345");
    }

    @Test
    void anEmptyPeriodIsAHeaderOrAnEmptyList() throws Exception {
        StringWriter csv = new StringWriter();
        AuditExport export = AuditExport.csv(csv);
        export.begin();
        assertThat(export.end()).isZero();
        assertThat(csv.toString()).isEqualTo(String.join(",", AuditExport.COLUMNS) + "\r\n");
        StringWriter json = new StringWriter();
        AuditExport empty = AuditExport.json(json, Period.weekBefore(Instant.parse("2026-12-08T00:00:00Z")), Instant.parse("2026-12-08T00:00:00Z"));
        empty.begin();
        empty.end();
        assertThat(EventJson.mapper().readTree(json.toString()).get("verifications").size()).isZero();
    }
}
