package dev.vigil.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import dev.vigil.contracts.json.EventJson;
import java.util.List;
import java.util.Map;
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

    /** Every file or object in the staging area, looked at directly. */
    abstract List<String> contents() throws Exception;

    /** Puts bytes at a place the backend reaches, outside staging's layout for the job, and answers its URI. */
    abstract String elsewhere(String name, byte[] bytes) throws Exception;

    static final Catalog CATALOG = new Catalog(Map.of("table public.orders", "id bigint not null", "index public.orders_pkey",
            "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)"), true, true);

    static Artifact artifact() {
        return new Artifact("custom", BYTES.length, "ab".repeat(32), "15.18", "15.18", List.of(new TableRowCount("public", "orders", 3)),
                "zstd", "dev", CATALOG);
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
    void theCatalogIsStagedBesideTheArtifactAndTheEventOnlyRefersToIt() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        ArtifactCreated created = commit(staging, job);

        assertThat(created.artifact().catalog()).as("the event does not carry the catalog").isNull();
        assertThat(created.artifact().catalogRef().uri()).isEqualTo(uriOf(TARGET, job + ".catalog.json"));
        assertThat(created.artifact().catalogRef().objects()).isEqualTo(2);
        assertThat(staging.readCatalog(created)).contains(CATALOG);

        staging.remove(created);

        assertThat(exists(uriOf(TARGET, job + ".catalog.json"))).isFalse();
    }

    @Test
    void anEventOfASourceWithThousandsOfTablesStaysSmall() throws Exception {
        Map<String, String> objects = new java.util.TreeMap<>();
        for (int i = 0; i < 4000; i++) {
            objects.put("table tenant_" + i + ".orders", "amount numeric(12,2), created_at timestamp with time zone, id bigint not null");
            objects.put("index tenant_" + i + ".orders_pkey", "CREATE UNIQUE INDEX orders_pkey ON tenant_" + i + ".orders USING btree (id)");
        }
        Catalog big = new Catalog(objects, true, true);
        Artifact artifact = artifact();
        Artifact described = new Artifact(artifact.format(), artifact.sizeBytes(), artifact.sha256(), artifact.serverVersion(),
                artifact.pgDumpVersion(), artifact.tables(), artifact.compression(), artifact.encryptionKeyId(), big);
        Staging staging = staging();
        ArtifactCreated created;
        try (Staging.Write write = staging.open(TARGET, JobId.random(), EXTENSION)) {
            write.stream().write(BYTES);
            created = write.commit(described);
        }

        assertThat(EventJson.write(created).length).as("the event's size in bytes, the catalog %d bytes", CatalogReference.document(big).length)
                .isLessThan(2_000);
        assertThat(staging.readCatalog(created)).contains(big);
    }

    @Test
    void aCatalogReferenceNamingAnotherPlaceOrAnotherCatalogIsRefused() throws Exception {
        Staging staging = staging();
        JobId job = JobId.random();
        ArtifactCreated created = commit(staging, job);
        ArtifactCreated other = commit(staging, JobId.random());
        CatalogReference elsewhere = created.artifact().catalogRef().at(other.artifact().catalogRef().uri());
        CatalogReference tampered = new CatalogReference(created.artifact().catalogRef().uri(), "cd".repeat(32), 2, true, true);

        for (CatalogReference forged : List.of(elsewhere, tampered)) {
            ArtifactCreated event = ArtifactCreated.now(job, TARGET, created.stagingUri(), created.artifact().withCatalogAt(forged));

            assertThatThrownBy(() -> staging.readCatalog(event)).as(forged.toString()).isInstanceOf(StagingUnusableException.class);
        }
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

    @Test
    void aProbeWritesToTheStagingAreaAndLeavesNothingBehind() throws Exception {
        Staging staging = staging();

        Staging.Probe probe = staging.probe();

        assertThat(probe.location()).isNotBlank();
        assertThat(contents()).as("what the probe left").isEmpty();
    }
}
