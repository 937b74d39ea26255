package dev.vigil.worker.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.LocalPostgres;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.staging.Staging;
import dev.vigil.staging.StagingAutoConfiguration;
import dev.vigil.staging.StagingProperties;
import dev.vigil.worker.WorkerProperties;
import dev.vigil.worker.dryrun.DryRunCheck.Status;
import dev.vigil.worker.dryrun.DryRunReport.SourceExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump worker's dry run against a real PostgreSQL (the demo shop) and a real staging directory:
 * each check says what is wrong and what to do, and nothing is left behind.
 */
class DryRunChecksTest {

    private static final String DATABASE = "dryrun_shop";
    private static final String READER = "vigil_dryrun_reader";
    private static final String PARTIAL = "vigil_dryrun_partial";
    private static final String KEYS = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    static Path secrets;

    @TempDir
    Path tmp;

    private static LocalPostgres postgres;
    private static LocalPostgres.Login reader;
    private static LocalPostgres.Login partial;

    @BeforeAll
    static void source() {
        postgres = LocalPostgres.shared();
        DemoDatabase.load(postgres, DATABASE);
        postgres.execute(DATABASE, "create sequence shop.invoice_no");
        reader = postgres.leastPrivilegeRole(READER);
        partial = postgres.leastPrivilegeRole(PARTIAL);
        for (String role : List.of(READER, PARTIAL)) {
            postgres.requirePassword(role);
            postgres.execute(DATABASE, "grant usage on schema shop, \"Sales Ops\", public to " + role
                    + "; grant select on all tables in schema shop, \"Sales Ops\", public to " + role
                    + "; grant select on all sequences in schema shop, \"Sales Ops\", public to " + role);
        }
        postgres.execute(DATABASE, "revoke select on shop.\"Order Lines\" from " + PARTIAL);
    }

    @Test
    void aTargetReadyToDumpPassesEveryCheckWithTheEstimatedSizeAndItsExtensions() throws Exception {
        DryRunReport report = checks(settings("k1", KEYS), staging(tmp.resolve("staging"))).check(target(reader, reader.password()));

        assertThat(report.checks()).extracting(DryRunCheck::name).containsExactlyElementsOf(DryRunChecks.ORDER);
        assertThat(report.checks()).allSatisfy(check -> assertThat(check.status()).as(check.toString()).isEqualTo(Status.PASSED));
        assertThat(report.passed()).isTrue();
        assertThat(report.check("connect").detail()).contains(READER + "@").contains("PostgreSQL " + report.serverVersion());
        assertThat(report.check("privileges").detail()).contains("role " + READER + " can read every table").contains("sequences: 1)")
                // the tables whose rows the dump counts, and the partitioned parent shop.orders
                .contains("(tables: " + (DemoDatabase.rowCounts(postgres, DATABASE).size() + 1) + ",");
        assertThat(report.estimatedBytes()).isPositive();
        assertThat(report.check("size").detail()).contains("estimated ").contains("free in the staging directory");
        assertThat(report.check("staging").detail()).contains(tmp.resolve("staging").toUri().toString());
        assertThat(report.check("encryption").detail()).contains("key k1");
        assertThat(report.extensions()).extracting(SourceExtension::name).contains("plpgsql");
        assertThat(report.checks()).allSatisfy(check -> assertThat(check.detail()).doesNotContain(reader.password()));
        assertThat(leftIn(tmp.resolve("staging"))).as("what the dry run left in staging").isEmpty();
    }

    @Test
    void aRoleThatCannotReadOneTableFailsThePrivilegesCheckNamingThatTableAndTheGrant() {
        DryRunReport report = checks(settings("", ""), staging(tmp.resolve("staging"))).check(target(partial, partial.password()));

        DryRunCheck privileges = report.check("privileges");
        assertThat(privileges.status()).isEqualTo(Status.FAILED);
        assertThat(privileges.detail())
                .contains("cannot read 1 of the")
                .contains(": shop.\"Order Lines\". ")
                .contains("GRANT SELECT ON TABLE shop.\"Order Lines\" TO " + PARTIAL + ";")
                .contains("GRANT pg_read_all_data TO " + PARTIAL)
                .doesNotContain("shop.customers")
                .doesNotContain("SEQUENCE");
        assertThat(report.checks()).filteredOn(check -> !check.name().equals("privileges"))
                .allSatisfy(check -> assertThat(check.status()).as(check.toString()).isEqualTo(Status.PASSED));
        assertThat(report.check("encryption").detail()).isEqualTo("not encrypted (vigil.worker.encryption-key-id unset)");
    }

    @Test
    void aTableTheDumpExcludesNeedsNoPrivilegeAndTheEstimateCountsOnlyTheTablesDumped() {
        DumpOptions withoutOrderLines = new DumpOptions("custom", List.of(), List.of(), List.of(), List.of("shop.Order Lines"), false);
        DryRunReport whole = checks(settings("", ""), staging(tmp.resolve("staging"))).check(target(reader, reader.password()));

        DryRunReport report = checks(settings("", ""), staging(tmp.resolve("staging")))
                .check(TargetConfigured.now(TargetId.of("dryrun"), connection(partial), withoutOrderLines));

        assertThat(report.check("privileges").status()).isEqualTo(Status.PASSED);
        assertThat(report.estimatedBytes()).isPositive().isLessThan(whole.estimatedBytes());
        assertThat(report.check("size").detail()).contains("tables in the dump");
    }

    @Test
    void aWrongPasswordFailsToConnectAndTheOtherDatabaseChecksAreNotChecked() throws Exception {
        String wrong = "not-the-password-" + System.nanoTime();

        DryRunReport report = checks(settings("", ""), staging(tmp.resolve("staging"))).check(target(reader, wrong));

        assertThat(report.check("connect").status()).isEqualTo(Status.FAILED);
        assertThat(report.check("connect").detail()).contains("refused the credentials of " + READER + "@").contains("pg_hba.conf");
        for (String name : List.of("pg_dump", "privileges", "size")) {
            assertThat(report.check(name)).isEqualTo(new DryRunCheck(name, Status.SKIPPED, "not checked: could not connect"));
        }
        assertThat(report.check("staging").status()).isEqualTo(Status.PASSED);
        assertThat(report.check("encryption").status()).isEqualTo(Status.PASSED);
        assertThat(report.serverVersion()).isNull();
        assertThat(report.extensions()).isEmpty();
        assertThat(report.checks()).allSatisfy(check -> assertThat(check.detail()).doesNotContain(wrong));
    }

    @Test
    void anEncryptionKeyIdMissingFromTheKeyringFailsNamingIt() {
        DryRunReport report = checks(settings("retired-2025", KEYS), staging(tmp.resolve("staging"))).check(target(reader, reader.password()));

        DryRunCheck encryption = report.check("encryption");
        assertThat(encryption.status()).isEqualTo(Status.FAILED);
        assertThat(encryption.detail()).contains("'retired-2025'").contains("holds: [k1]").contains("VIGIL_ENCRYPTION_KEYS")
                .doesNotContain(KEYS.substring(3));
    }

    @Test
    void aStagingDirectoryThatCannotBeWrittenFailsNamingItAndTheSizeIsStillEstimated() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Path unusable = file.resolve("staging");

        DryRunReport report = checks(settings("", ""), staging(unusable)).check(target(reader, reader.password()));

        DryRunCheck staging = report.check("staging");
        assertThat(staging.status()).isEqualTo(Status.FAILED);
        assertThat(staging.detail()).contains("staging directory " + unusable).contains("vigil.staging.dir");
        assertThat(report.check("size").status()).isEqualTo(Status.PASSED);
        assertThat(report.check("size").detail()).contains("estimated ").doesNotContain("free");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    @Test
    void aServerNewerThanEveryInstalledPgDumpFailsSayingWhatToInstall() throws Exception {
        PostgresClients none = PostgresClients.find("pg_dump", null, Files.createDirectories(tmp.resolve("empty-bin")));

        DryRunReport report = new DryRunChecks(settings("", ""), none, staging(tmp.resolve("staging"))).check(target(reader, reader.password()));

        DryRunCheck pgDump = report.check("pg_dump");
        assertThat(pgDump.status()).isEqualTo(Status.FAILED);
        int major = Integer.parseInt(report.serverVersion().split("\\.")[0]);
        assertThat(pgDump.detail()).contains("installed pg_dump: none").contains("PostgreSQL " + report.serverVersion())
                .contains("apt-get install postgresql-client-" + major);
        assertThat(report.check("privileges").status()).isEqualTo(Status.PASSED);
    }

    @Test
    void anEstimateLargerThanTheFreeStagingSpaceFailsTheSizeCheckSayingHowMuchIsFree() {
        DryRunChecks.Source source = new DryRunChecks.Source("backup", List.of(), 5L << 30, List.of(), 5L << 30);
        DryRunChecks.Probed probed = new DryRunChecks.Probed(new Staging.Probe("file:///var/lib/vigil/staging/", OptionalLong.of(1L << 30)),
                DryRunCheck.passed("staging", "wrote and removed a probe"));

        DryRunCheck size = DryRunChecks.size(source, DumpOptions.defaults(), probed);

        assertThat(size.status()).isEqualTo(Status.FAILED);
        assertThat(size.detail()).contains("estimated 5.0 GiB (the database's size")
                .contains("exceeds the 1.0 GiB free in the staging directory file:///var/lib/vigil/staging/")
                .contains("vigil.staging.dir");
    }

    private DryRunChecks checks(WorkerProperties properties, Staging staging) {
        return new DryRunChecks(properties, PostgresClients.find("pg_dump", null, postgres.binDir()), staging);
    }

    private static Staging staging(Path dir) {
        return StagingAutoConfiguration.of(new StagingProperties(dir, "", "staging", null, "us-east-1", 16, null));
    }

    private static TargetConfigured target(LocalPostgres.Login login, String password) {
        return TargetConfigured.now(TargetId.of("dryrun"), connection(new LocalPostgres.Login(login.role(), password)));
    }

    /** The login's password in a file of the worker's password directory, as a mounted secret would be. */
    private static Connection connection(LocalPostgres.Login login) {
        try {
            Path file = Files.createTempFile(secrets, login.role(), ".password");
            Files.writeString(file, login.password());
            return new Connection(postgres.host(), postgres.port(), DATABASE, login.role(), null, file.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> leftIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.equals(dir)).toList();
        }
    }

    private static WorkerProperties settings(String keyId, String keys) {
        return new WorkerProperties(Path.of("/usr/lib/postgresql"), null, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(10), "w1",
                new WorkerProperties.Retry(1, Duration.ofSeconds(1), Duration.ofSeconds(1)), "zstd", 3, 0, keyId, keys, "",
                Duration.ofSeconds(5), "[A-Z0-9_]*PGPASSWORD", secrets, 2);
    }
}
