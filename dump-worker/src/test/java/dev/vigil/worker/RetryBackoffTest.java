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

        assertThat(retry.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(retry.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(retry.backoffAfter(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retry.backoffAfter(4)).isEqualTo(Duration.ofSeconds(10));
        assertThat(retry.backoffAfter(60)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void onlyAnUnreachableTargetIsWorthRetrying() {
        assertThat(DumpService.isTransient(FailureClass.UNREACHABLE)).isTrue();
        assertThat(DumpService.isTransient(FailureClass.AUTHENTICATION)).isFalse();
        assertThat(DumpService.isTransient(FailureClass.VERSION_MISMATCH)).isFalse();
        assertThat(DumpService.isTransient(FailureClass.PERMISSION_DENIED)).isFalse();
    }
}
