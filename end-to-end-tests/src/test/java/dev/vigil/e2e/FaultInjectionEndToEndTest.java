package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Topics;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite: one stack of five service processes ({@link FaultStack}) takes a fault in the
 * middle of each stream of backups (a few requested, some in flight when the fault hits), and after
 * each the invariants of {@link FaultInvariants} hold. Faults: the services' PostgreSQL restarted; the
 * scheduler SIGKILLed with outbox rows unpublished; the storage service SIGKILLed mid-upload; events
 * delivered twice and out of order; a poison message on every input topic. The broker's 30-second
 * outage is {@link BrokerOutageEndToEndTest}, in the {@code faults} profile.
 */
class FaultInjectionEndToEndTest {

    private static FaultStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = FaultStack.start(Path.of(System.getProperty("java.io.tmpdir"), "faults"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void whenTheServicesDatabaseRestartsMidStreamEveryJobStillEndsOnce() throws Exception {
        JobStream jobs = JobStream.request(stack);
        jobs.awaitInFlight(stack);

        stack.restartServicesDatabase(Duration.ofSeconds(3));

        FaultInvariants.assertSurvived(stack, jobs.expected(), jobs.alerting());
    }

    @Test
    void whenTheSchedulerIsKilledWithRequestsUnpublishedItsRestartPublishesThemOnce() throws Exception {
        String down = stack.freshDownTarget();
        List<String> inFlight = List.of(stack.api().requestBackup("shop-1"), stack.api().requestBackup("shop-2"));
        List<String> unpublished;
        // The broker refuses the scheduler's requests for a moment, so they stay in its outbox.
        grantSchedulerRequests(false);
        try {
            unpublished = List.of(stack.api().requestBackup("shop-3"), stack.api().requestBackup(down));
            await("the two requests waiting in the scheduler's outbox").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> stack.count("select count(*) from scheduler.outbox where topic = '" + Topics.BACKUP_REQUESTED
                            + "' and published_at is null"), n -> n >= 2);
            stack.kill(BrokerRights.SCHEDULER);
        } finally {
            grantSchedulerRequests(true);
        }
        stack.restart(BrokerRights.SCHEDULER);

        FaultInvariants.assertSurvived(stack, FaultInvariants.expect(List.of(inFlight.get(0), inFlight.get(1), unpublished.get(0)),
                List.of(unpublished.get(1))), List.of(down));
        assertThat(stack.count("select count(*) from scheduler.outbox where published_at is null")).as("rows left unpublished").isZero();
    }

    @Test
    void whenTheStorageServiceIsKilledMidUploadEachArtifactIsStoredOnceAfterItsRestart() throws Exception {
        // Uploads slowed so that one is surely under way when the kill comes.
        stack.storeProxy().throttleUploads(96 * 1024);
        long before = stack.storeProxy().bytesToServer();
        JobStream jobs;
        try {
            jobs = JobStream.request(stack);
            await("an upload under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stack.storeProxy().bytesToServer() - before > 128 * 1024);
            stack.kill(BrokerRights.STORAGE);
        } finally {
            stack.storeProxy().throttleUploads(0);
        }
        assertThat(jobs.verified()).as("jobs not stored when the storage service was killed").anyMatch(jobId -> !stored(jobId));
        stack.restart(BrokerRights.STORAGE);

        FaultInvariants.assertSurvived(stack, jobs.expected(), jobs.alerting());
    }

    @Test
    void whenEventsArriveTwiceAndOutOfOrderNoJobMovesAndNothingIsDoneTwice() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        try (KafkaProbe events = new KafkaProbe(kafka.bootstrapServers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.ARTIFACT_STORED,
                Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED)) {
            JobStream jobs = JobStream.request(stack);
            String first = jobs.verified().getFirst();
            // ArtifactStored twice more while its verification runs.
            KafkaProbe.Seen stored = events.await(r -> r.topic().equals(Topics.ARTIFACT_STORED) && r.value().contains(first), Duration.ofSeconds(120));
            republish(stored, BrokerRights.STORAGE, 2);
            // After its verdict: the verdict again, then the job's earlier events, as a lagging partition would deliver them.
            KafkaProbe.Seen verified = events.await(r -> r.topic().equals(Topics.BACKUP_VERIFIED) && r.value().contains(first), Duration.ofSeconds(120));
            republish(verified, BrokerRights.VERIFIER, 1);
            republish(stored, BrokerRights.STORAGE, 1);
            for (String topic : List.of(Topics.ARTIFACT_CREATED, Topics.DUMP_STARTED)) {
                republish(events.await(r -> r.topic().equals(topic) && r.value().contains(first), Duration.ofSeconds(10)), BrokerRights.WORKER, 1);
            }
            // A failure delivered twice, and a verdict of another job delivered before its ArtifactStored is delivered again.
            String failed = jobs.failing().getFirst();
            republish(events.await(r -> r.topic().equals(Topics.BACKUP_FAILED) && r.value().contains(failed), Duration.ofSeconds(120)),
                    BrokerRights.WORKER, 1);
            String second = jobs.verified().get(1);
            KafkaProbe.Seen secondVerified = events.await(r -> r.topic().equals(Topics.BACKUP_VERIFIED) && r.value().contains(second),
                    Duration.ofSeconds(120));
            republish(secondVerified, BrokerRights.VERIFIER, 1);
            republish(events.await(r -> r.topic().equals(Topics.ARTIFACT_STORED) && r.value().contains(second), Duration.ofSeconds(10)),
                    BrokerRights.STORAGE, 1);

            FaultInvariants.assertSurvived(stack, jobs.expected(), jobs.alerting());
        }
    }

    @Test
    void aPoisonMessageOnEveryInputTopicIsDeadLetteredAndTheNextJobsStillFinish() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        Map<String, List<String>> readers = new LinkedHashMap<>();
        Map<String, String> writers = new LinkedHashMap<>();
        for (BrokerRights.Grant grant : BrokerRights.services()) {
            if (grant.access() == BrokerRights.Access.READ && grant.group() != null) {
                readers.computeIfAbsent(grant.topic(), t -> new ArrayList<>()).add(grant.group());
            } else if (grant.access() == BrokerRights.Access.WRITE) {
                writers.putIfAbsent(grant.topic(), grant.principal());
            }
        }
        List<String> deadLetters = new ArrayList<>();
        readers.forEach((topic, groups) -> groups.forEach(group -> deadLetters.add(Topics.deadLetter(topic, group))));
        String notJson = "{poison: this is not json";
        String wrongSchema = "{\"schemaVersion\":1,\"eventId\":\"poison\",\"jobId\":\"not-a-uuid\"}";
        try (KafkaProbe dlq = new KafkaProbe(kafka.bootstrapServers(), deadLetters.toArray(String[]::new))) {
            for (String topic : readers.keySet()) {
                // Written as a service that may write the topic: the broker lets it through, the readers must cope.
                String writer = writers.get(topic);
                assertThat(writer).as("a service that writes %s", topic).isNotNull();
                KafkaProbe.send(kafka.clientProperties(writer), topic, "poison", notJson);
                KafkaProbe.send(kafka.clientProperties(writer), topic, "poison", wrongSchema);
            }
            JobStream jobs = JobStream.request(stack);

            FaultInvariants.assertSurvived(stack, jobs.expected(), jobs.alerting());
            for (String deadLetter : deadLetters) {
                for (String poison : List.of(notJson, wrongSchema)) {
                    dlq.await(r -> r.topic().equals(deadLetter) && poison.equals(r.value()), Duration.ofSeconds(30));
                }
            }
        }
    }

    private boolean stored(String jobId) {
        try {
            return stack.count("select count(*) from scheduler.jobs where stored_at is not null and job_id = '" + jobId + "'") > 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a record seen on the broker again, {@code times} times, signed in as the service that publishes it. */
    private static void republish(KafkaProbe.Seen seen, String service, int times) {
        for (int i = 0; i < times; i++) {
            KafkaProbe.send(LocalKafka.shared().clientProperties(service), seen.topic(), seen.key(), seen.value());
        }
    }

    /** Grants or revokes the scheduler's right to publish backup requests. */
    private static void grantSchedulerRequests(boolean grant) throws Exception {
        AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.BACKUP_REQUESTED, PatternType.LITERAL),
                new AccessControlEntry("User:" + BrokerRights.SCHEDULER, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        try (Admin admin = Admin.create(LocalKafka.shared().clientProperties(LocalKafka.ADMIN))) {
            if (grant) {
                admin.createAcls(List.of(binding)).all().get();
            } else {
                admin.deleteAcls(List.of(binding.toFilter())).all().get();
            }
        }
    }
}
