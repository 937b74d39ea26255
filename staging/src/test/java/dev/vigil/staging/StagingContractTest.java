package dev.vigil.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every staging backend does: the worker's writes become visible only on commit, the storage
 * service reads and removes exactly what was committed, and an event naming any other place reads
 * and removes nothing.
 */
abstract class StagingContractTest {

    static final TargetId TARGET = new TargetId("orders");
    static final byte[] BYTES = "pretend this is pg_dump output".getBytes(StandardCharsets.UTF_8);
    static final String EXTENSION = "dump.zst.enc";

    /** A fresh, empty staging area of the backend under test. */
    abstract Staging staging();

    /** Whether an object or file the staging URI names exists in the backend, looked at directly. */
    abstract boolean exists(String stagingUri);

    /** The URI the backend would give a staged object with this name in the target's folder. */
    abstract String uriOf(TargetId target, String name);

    /** Puts bytes at a place the backend reaches, outside staging's layout for the job, and answers its URI. */
    abstract String elsewhere(String name, byte[] bytes) throws Exception;

    static Artifact artifact() {
        return new Artifact("custom", BYTES.length, "ab".repeat(32), "15.18", "15.18", List.of(new TableRowCount("public", "orders", 3)),
                "zstd", "dev", null);
    }

    ArtifactCreated commit(Staging staging, JobId job) throws Exception {
        try (Staging.Write write = staging.open(TARGET, job, EXTENSION)) {
            write.stream().write(BYTES);
            return write.commit(artifact());
        }
    }

    @Test
    void aCommittedArtifactIsFoundReadAndRemovedWithItsDescriptor() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        ArtifactCreated created = commit(staging, job);

        assertThat(created.stagingUri()).endsWith(TARGET.value() + "/" + job + "." + EXTENSION);
        assertThat(staging.find(TARGET, job)).hasValueSatisfying(found -> assertThat(found.stagingUri()).isEqualTo(created.stagingUri()));
        try (InputStream in = staging.read(created)) {
            assertThat(in.readAllBytes()).isEqualTo(BYTES);
        }
        assertThat(exists(uriOf(TARGET, job + ".json"))).as("the descriptor beside the artifact").isTrue();

        staging.remove(created);

        assertThat(exists(created.stagingUri())).isFalse();
        assertThat(exists(uriOf(TARGET, job + ".json"))).isFalse();
        assertThat(staging.find(TARGET, job)).isEmpty();
    }

    @Test
    void aWriteClosedWithoutCommitLeavesNothingToFind() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        try (Staging.Write write = staging.open(TARGET, job, EXTENSION)) {
            write.stream().write(BYTES);
        }

        assertThat(staging.find(TARGET, job)).isEmpty();
        assertThat(exists(uriOf(TARGET, job + "." + EXTENSION))).isFalse();
    }

    @Test
    void anEventNamingAnotherPlaceReadsAndRemovesNothing() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        ArtifactCreated real = commit(staging, job);
        String outside = elsewhere("orders/2026/12/01/a-stored-backup.dump.zst.enc", "a verified backup".getBytes(StandardCharsets.UTF_8));
        JobId otherJob = JobId.random();
        ArtifactCreated other = commit(staging, otherJob);

        for (String forged : List.of(outside, other.stagingUri(), uriOf(new TargetId("billing"), job + "." + EXTENSION),
                uriOf(TARGET, job + ".json"), "https://evil.example/" + job + ".dump")) {
            ArtifactCreated event = ArtifactCreated.now(job, TARGET, forged, artifact());

            assertThatThrownBy(() -> staging.read(event)).as(forged).isInstanceOf(StagingUnusableException.class)
                    .hasMessageContaining("is not where").hasMessageContaining("vigil.staging");
            staging.remove(event);
        }

        assertThat(exists(outside)).as("what lies outside staging").isTrue();
        assertThat(exists(other.stagingUri())).as("another job's artifact").isTrue();
        assertThat(exists(real.stagingUri())).as("the job's own artifact, named by no forged event").isTrue();
        assertThat(staging.find(TARGET, otherJob)).isPresent();
    }

    @Test
    void anArtifactAlreadyRemovedIsAPermanentFailureSayingWhy() throws Exception {
        Staging staging = staging();
        ArtifactCreated created = commit(staging, JobId.random());
        staging.remove(created);

        assertThatThrownBy(() -> staging.read(created)).isInstanceOf(StagingUnusableException.class);
        Optional<ArtifactCreated> none = staging.find(TARGET, created.jobId());
        assertThat(none).isEmpty();
    }
}
