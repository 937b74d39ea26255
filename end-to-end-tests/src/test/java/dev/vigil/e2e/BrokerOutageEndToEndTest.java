package dev.vigil.e2e;

import static org.awaitility.Awaitility.await;

import dev.vigil.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The broker stopped for 30 seconds in the middle of a stream of backups and started again in place
 * (same data directory, same port): backups requested during the outage wait in the scheduler's
 * outbox, those in flight carry on once it is back, and the invariants of {@link FaultInvariants} hold.
 * Long, and it stops the broker every test of its JVM shares: tagged {@value #TAG}, run by the
 * {@code faults} profile in a JVM of its own ({@code ./mvnw -B verify -Pfaults}).
 */
@Tag(BrokerOutageEndToEndTest.TAG)
class BrokerOutageEndToEndTest {

    static final String TAG = "broker-outage";
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static FaultStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = FaultStack.start(Path.of(System.getProperty("java.io.tmpdir"), "broker-outage"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (!LocalKafka.shared().running()) {
            LocalKafka.shared().restart();
        }
    }

    @Test
    void whenTheBrokerIsDownForThirtySecondsEveryJobStillEndsOnceAfterItReturns() throws Exception {
        JobStream before = JobStream.request(stack);
        before.awaitInFlight(stack);

        LocalKafka.shared().stop();
        List<String> requestedDuringOutage = new ArrayList<>();
        long down = System.nanoTime();
        try {
            requestedDuringOutage.add(stack.api().requestBackup("shop-1"));
            requestedDuringOutage.add(stack.api().requestBackup("shop-2"));
            // For the rest of the outage nothing can move them: they wait, REQUESTED, in the scheduler's outbox.
            Duration left = OUTAGE.minus(Duration.ofNanos(System.nanoTime() - down));
            await("backups requested during the outage staying REQUESTED").during(left).atMost(left.plusSeconds(10))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> requestedStill(requestedDuringOutage));
        } finally {
            LocalKafka.shared().restart();
        }

        List<String> verified = new ArrayList<>(before.verified());
        verified.addAll(requestedDuringOutage);
        FaultInvariants.assertSurvived(stack, FaultInvariants.expect(verified, before.failing()), before.alerting());
    }

    private static boolean requestedStill(List<String> jobIds) throws Exception {
        for (String jobId : jobIds) {
            if (!"REQUESTED".equals(stack.api().job(jobId).path("status").asString())) {
                return false;
            }
        }
        return true;
    }
}
