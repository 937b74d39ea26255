package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stream of backups a fault hits in the middle: each good target of the {@link FaultStack} once and
 * one unreachable target no fault has used (its failure should alert once).
 */
record JobStream(List<String> verified, List<String> failing, List<String> alerting) {

    static JobStream request(FaultStack stack) throws Exception {
        String down = stack.freshDownTarget();
        List<String> verified = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (int i = 1; i <= FaultStack.GOOD_TARGETS; i++) {
            verified.add(stack.api().requestBackup("shop-" + i));
            if (i == 2) {
                failing.add(stack.api().requestBackup(down));
            }
        }
        return new JobStream(verified, failing, List.of(down));
    }

    Map<String, String> expected() {
        return FaultInvariants.expect(verified, failing);
    }

    /** Waits until some backup of the stream is under way (dumping, dumped or stored) while others are not finished. */
    void awaitInFlight(FaultStack stack) {
        List<String> all = new ArrayList<>(verified);
        all.addAll(failing);
        await("a backup of the stream under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<String> statuses = new ArrayList<>();
            for (String jobId : all) {
                statuses.add(stack.api().job(jobId).get("status").asString());
            }
            assertThat(statuses).as("the stream's jobs, before the fault").anyMatch(s -> !List.of("VERIFIED", "FAILED", "INCONCLUSIVE").contains(s));
            return statuses.stream().anyMatch(List.of("DUMPING", "DUMPED", "STORED")::contains);
        });
    }
}
