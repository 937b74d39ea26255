package dev.vigil.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.TargetId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestedByLogTest {

    private static RestoreRequested by(String who) {
        return RestoreRequested.now(UUID.randomUUID(), new TargetId("orders-db"), null, null, "orders_copy", false, List.of(), List.of(), who);
    }

    @Test
    void whoAskedCannotForgeALogLineNorFillTheLog() {
        assertThat(RestoreService.requestedBy(by(null))).isEmpty();
        assertThat(RestoreService.requestedBy(by("payments team"))).isEqualTo(" requested by payments team");
        assertThat(RestoreService.requestedBy(by("ops\n2026-12-01 INFO restore finished: PASSED"))).doesNotContain("\n")
                .isEqualTo(" requested by ops?2026-12-01 INFO restore finished: PASSED");
        assertThat(RestoreService.requestedBy(by("x".repeat(10_000)))).hasSize(" requested by ".length() + 200 + 3).endsWith("...");
    }
}
