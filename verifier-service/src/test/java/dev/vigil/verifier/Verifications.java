package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import org.springframework.test.context.DynamicPropertyRegistry;
import software.amazon.awssdk.services.s3.S3Client;

/** What the verifier's tests do to have a backup verified: store the object, announce it, wait for the verdict. */
final class Verifications {

    private Verifications() {
    }

    /** Puts {@code object} into {@code bucket} (made if missing), announces it as {@code artifact} of {@code target}, answers the verdict. */
    static BackupVerified verify(S3Client s3, String bucket, JobId jobId, String target, byte[] object, Artifact artifact) {
        String key = target + "/" + jobId + ".dump";
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
            // made by an earlier test
        }
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(object));
        return announce(ArtifactStored.now(jobId, new TargetId(target), new StoredObject("primary", bucket, key), artifact));
    }

    /** Announces {@code stored} and answers the verdict; fails if the verification could not run. */
    static BackupVerified announce(ArtifactStored stored) {
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.ARTIFACT_STORED, stored.targetId().value(), EventJson.writeString(stored));
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(stored.jobId().toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.BACKUP_VERIFIED);
            return EventJson.read(seen.value().getBytes(), BackupVerified.class);
        }
    }

    /**
     * Points the verifier's scratch server at the shared PostgreSQL as {@code vigil_verifier}, a role
     * that may only log in and create databases, which needs its password there; answers its login.
     */
    static LocalPostgres.Login scratchAsVerifierRole(DynamicPropertyRegistry registry) {
        LocalPostgres postgres = LocalPostgres.shared();
        LocalPostgres.Login login = postgres.verifierRole();
        postgres.requirePassword(login.role());
        registry.add("vigil.verifier.scratch.host", postgres::host);
        registry.add("vigil.verifier.scratch.port", postgres::port);
        registry.add("vigil.verifier.scratch.username", login::role);
        registry.add("vigil.verifier.scratch.password", login::password);
        return login;
    }

    /**
     * Creates {@code database} on the shared PostgreSQL as the source the verifier tests dump: table
     * sales."Order Lines" with 700 rows and public.customers with 40.
     */
    static void loadSource(String database) {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(database);
        postgres.execute(database, """
                drop schema if exists sales cascade;
                drop table if exists public.customers;
                create schema sales;
                create table sales."Order Lines"(id int primary key, note text);
                insert into sales."Order Lines" select g, md5(g::text) from generate_series(1, 700) g;
                create table public.customers(id int primary key);
                insert into public.customers select generate_series(1, 40);
                """);
    }

    /** A plain-format (SQL) pg_dump of {@code database} on the shared PostgreSQL, as the dump worker makes one. */
    static byte[] plainDump(String database) throws Exception {
        return pgDump(database, "-Fp", "--no-owner", "--no-privileges");
    }

    /** A custom-format pg_dump of {@code database} on the shared PostgreSQL, with further pg_dump {@code options} (a later -F wins). */
    static byte[] pgDump(String database, String... options) throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        Path file = Path.of(System.getProperty("java.io.tmpdir"), database + ".dump");
        List<String> command = new ArrayList<>(List.of(postgres.binDir().resolve("pg_dump").toString(), "-Fc"));
        command.addAll(List.of(options));
        command.addAll(List.of("-h", postgres.host(), "-p", String.valueOf(postgres.port()), "-U", LocalPostgres.SUPERUSER,
                "-f", file.toString(), database));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).as("pg_dump of %s", database).isZero();
        return Files.readAllBytes(file);
    }

    /** The shared PostgreSQL's version, which the tests' dumps come from. */
    static String sourceVersion() {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
