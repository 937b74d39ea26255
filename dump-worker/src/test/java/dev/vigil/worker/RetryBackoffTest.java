package dev.vigil.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.FailureClass;
import dev.vigil.worker.dump.DumpService;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void theWaitDoublesUpToTheLongestWait() {
        WorkerProperties.Retry retry = new WorkerProperties.Retry(6, Duration.ofSeconds(2), Duration.ofSeconds(10));

        assertThat(retry.intervals().apply(1)).isEqualTo(2_000L);
        assertThat(retry.intervals().apply(2)).isEqualTo(4_000L);
        assertThat(retry.intervals().apply(3)).isEqualTo(8_000L);
        assertThat(retry.intervals().apply(4)).isEqualTo(10_000L);
        assertThat(retry.intervals().apply(60)).isEqualTo(10_000L);
    }

    @Test
    void onlyAnUnreachableTargetIsWorthRetrying() {
        assertThat(DumpService.isTransient(FailureClass.UNREACHABLE)).isTrue();
        assertThat(DumpService.isTransient(FailureClass.AUTHENTICATION)).isFalse();
        assertThat(DumpService.isTransient(FailureClass.VERSION_MISMATCH)).isFalse();
        assertThat(DumpService.isTransient(FailureClass.PERMISSION_DENIED)).isFalse();
    }
}
