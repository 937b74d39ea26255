package dev.vigil.pgclients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogFingerprintTest {

    @Test
    void everyDifferenceNamesTheObjectWithExpectedAndFound() {
        Map<String, String> expected = Map.of(
                "index shop.orders_pkey", "CREATE UNIQUE INDEX orders_pkey ON shop.orders USING btree (id)",
                "table shop.orders", "id integer not null, state text",
                "function shop.total(integer)", "returns numeric, source md5 aa",
                "sequence shop.order_id_seq", "120");
        Map<String, String> found = Map.of(
                "table shop.orders", "id integer not null",
                "function shop.total(integer)", "returns numeric, source md5 aa",
                "sequence shop.order_id_seq", "118",
                "view shop.extra", "SELECT 1");

        assertThat(CatalogFingerprint.differences(expected, found)).containsExactly(
                "index shop.orders_pkey: missing from the restore (expected CREATE UNIQUE INDEX orders_pkey ON shop.orders USING btree (id))",
                "sequence shop.order_id_seq: expected 120, found 118",
                "table shop.orders: expected id integer not null, state text, found id integer not null",
                "view shop.extra: not in the source, found in the restore (SELECT 1)");
    }

    @Test
    void aSequenceThatAdvancedSinceTheSnapshotMatches() {
        assertThat(CatalogFingerprint.differences(Map.of("sequence s.q", "10"), Map.of("sequence s.q", "14"))).isEmpty();
        assertThat(CatalogFingerprint.differences(Map.of("table s.t", "a int"), Map.of("table s.t", "a int"))).isEmpty();
    }
}
