package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.codec.AgeRecipient;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.LocalPostgres;
import dev.vigil.pgclients.PostgresClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil decode} on real pg_dump output, encoded as the dump worker encodes it: what comes out
 * is byte for byte what pg_dump wrote, and pg_restore reads it.
 */
class DecodeCommandTest {

    private static final String DATABASE = "decode_demo";

    @TempDir
    static Path dumps;

    private static Path customDump;
    private static Path directoryDump;
    private static PostgresClients.Program pgRestore;

    @TempDir
    Path dir;

    private Cli cli;
    private byte[] key;
    private Path keyFile;

    @BeforeAll
    static void dumpTheDemoDatabase() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        DemoDatabase.load(postgres, DATABASE);
        PostgresClients.Program pgDump = PostgresClients.find("pg_dump", Path.of("/usr/lib/postgresql"), null).newest().orElseThrow();
        pgRestore = PostgresClients.find("pg_restore", Path.of("/usr/lib/postgresql"), null).newest().orElseThrow();
        customDump = dumps.resolve("demo.pgdump");
        directoryDump = dumps.resolve("demo.dir");
        run(pgDump.executable().toString(), "-h", postgres.host(), "-p", String.valueOf(postgres.port()), "-U", LocalPostgres.SUPERUSER,
                "-Fc", "-Z0", "-f", customDump.toString(), DATABASE);
        run(pgDump.executable().toString(), "-h", postgres.host(), "-p", String.valueOf(postgres.port()), "-U", LocalPostgres.SUPERUSER,
                "-Fd", "-Z0", "-f", directoryDump.toString(), DATABASE);
    }

    @BeforeEach
    void keyAsTheDevLauncherMakesIt() throws IOException {
        cli = new Cli(dir);
        key = new byte[32];
        new SecureRandom().nextBytes(key);
        keyFile = Files.writeString(dir.resolve("dev.key"), Base64.getEncoder().encodeToString(key));
    }

    @Test
    void anEncryptedZstdArtifactDecodesIntoTheDumpPgRestoreReads() throws Exception {
        Path artifact = encode(customDump, "20261121T054638Z-5d7ee5f0.dump.zst.enc", Compression.ZSTD, aes("dev", key));

        Cli.Result result = cli.run("decode", artifact.toString(), "--key-file", keyFile.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        Path out = dir.resolve("20261121T054638Z-5d7ee5f0.dump");
        assertThat(Files.mismatch(out, customDump)).as("the decoded file differs from pg_dump's from byte").isEqualTo(-1);
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(result.out()).startsWith("Decoded " + artifact + " (encrypted with key dev, zstd) into " + out + ": ")
                .contains("pg_dump custom format.", "List it with: pg_restore --list " + out);
        assertThat(run(pgRestore.executable().toString(), "--list", out.toString())).contains("TABLE DATA shop customers");
    }

    @Test
    void aDirectoryFormatArtifactEncryptedToAnAgeRecipientUnpacksIntoADirectoryPgRestoreReads() throws Exception {
        Path identity = dir.resolve("backups.agekey");
        run("age-keygen", "-o", identity.toString());
        AgeRecipient recipient = AgeRecipient.parse(run("age-keygen", "-y", identity.toString()).strip());
        Path artifact = dir.resolve("20261121T054638Z-5d7ee5f0.dump.tar.gz.enc");
        try (OutputStream out = ArtifactCodec.encoder(Files.newOutputStream(artifact), Compression.GZIP, 6, 0, recipient)) {
            DirectoryArchive.write(directoryDump, out);
        }

        Cli.Result result = cli.run("decode", artifact.toString(), "--key-file", identity.toString(), "--json");

        assertThat(result.exit()).as(result.toString()).isZero();
        Path out = dir.resolve("20261121T054638Z-5d7ee5f0.dump");
        assertThat(Files.isDirectory(out)).isTrue();
        try (Stream<Path> files = Files.list(directoryDump)) {
            for (Path file : files.toList()) {
                assertThat(Files.mismatch(file, out.resolve(file.getFileName()))).as(file.getFileName().toString()).isEqualTo(-1);
            }
        }
        assertThat(result.out()).contains("\"keyId\":\"" + recipient.id() + "\"", "\"compression\":\"gzip\"", "\"format\":\"directory\"");
        assertThat(run(pgRestore.executable().toString(), "--list", out.toString())).contains("TABLE DATA shop customers");
        assertThat(cli.run("decode", artifact.toString(), "--key-file", identity.toString(), "-o", "-").err())
                .as("a directory cannot go to standard output").contains("give -o DIR");
    }

    @Test
    void aClearArtifactDecodesToStandardOutput() throws Exception {
        Path artifact = encode(customDump, "x.dump.zst", Compression.ZSTD, null);

        Cli.Result result = cli.run("decode", artifact.toString(), "-o", "-");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.stdoutBytes()).isEqualTo(Files.readAllBytes(customDump));
        assertThat(result.err()).contains("(not encrypted, zstd) into standard output");
    }

    @Test
    void theWrongKeyIsCaughtAndLeavesNothingBehind() throws Exception {
        Path artifact = encode(customDump, "x.dump.zst.enc", Compression.ZSTD, aes("dev", key));
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(other));

        Cli.Result result = cli.run("decode", artifact.toString(), "--key-file", keyFile.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains("cannot be decoded: authentication failed in segment 0");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("dev.key", "x.dump.zst.enc");
        }
        assertThat(result.err()).doesNotContain(Base64.getEncoder().encodeToString(other));
    }

    @Test
    void aKeyringFileIsReadLikeVigilEncryptionKeysAndAKeyItLacksIsNamed() throws Exception {
        Path artifact = encode(customDump, "x.dump.gz.enc", Compression.GZIP, aes("2026-b", key));
        byte[] old = new byte[32];
        Path keyring = Files.writeString(dir.resolve("keys"), "2026-a:" + Base64.getEncoder().encodeToString(old) + "\n2026-b:"
                + Base64.getEncoder().encodeToString(key) + "\n");
        Path onlyOld = Files.writeString(dir.resolve("old-keys"), "2026-a:" + Base64.getEncoder().encodeToString(old));

        Cli.Result lacking = cli.run("decode", artifact.toString(), "--key-file", onlyOld.toString());
        Cli.Result decoded = cli.run("decode", artifact.toString(), "--key-file", keyring.toString(), "--key-id", "2026-b");

        assertThat(lacking.exit()).isEqualTo(1);
        assertThat(lacking.err()).contains("encrypted under key '2026-b', which " + onlyOld + " does not hold (it holds 2026-a)");
        assertThat(decoded.exit()).as(decoded.toString()).isZero();
        assertThat(Files.mismatch(dir.resolve("x.dump"), customDump)).isEqualTo(-1);
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce() throws Exception {
        Path artifact = encode(customDump, "x.dump.zst.enc", Compression.ZSTD, aes("dev", key));
        Path out = Files.writeString(dir.resolve("x.dump"), "yesterday's");

        Cli.Result refused = cli.run("decode", artifact.toString(), "--key-file", keyFile.toString());

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains(out + " already exists: pass --force to replace it");
        assertThat(Files.readString(out)).isEqualTo("yesterday's");
        assertThat(cli.run("decode", artifact.toString(), "--key-file", keyFile.toString(), "--force").exit()).isZero();
        assertThat(Files.mismatch(out, customDump)).isEqualTo(-1);
    }

    @Test
    void mistakesInTheKeyOptionsAreUsageErrors() throws Exception {
        Path artifact = encode(customDump, "x.dump.zst.enc", Compression.ZSTD, aes("dev", key));

        Cli.Result noKey = cli.run("decode", artifact.toString());
        Cli.Result otherId = cli.run("decode", artifact.toString(), "--key-file", keyFile.toString(), "--key-id", "prod");
        Cli.Result shortKey = cli.run("decode", artifact.toString(), "--key-file",
                Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[16])).toString());
        Cli.Result noArtifact = cli.run("decode", dir.resolve("nothing.dump.zst.enc").toString(), "--key-file", keyFile.toString());

        assertThat(List.of(noKey.exit(), otherId.exit(), shortKey.exit(), noArtifact.exit())).containsOnly(2);
        assertThat(noKey.err()).contains("is encrypted under key 'dev': give that key with --key-file FILE", ".vigil/keys/dev.key");
        assertThat(otherId.err()).contains("is encrypted under key 'dev', not 'prod' (--key-id)");
        assertThat(shortKey.err()).contains("does not hold a key: encryption key 'dev' has 16 bytes; AES-256 needs 32");
        assertThat(noArtifact.err()).contains("there is no file");
    }

    private static ArtifactCodec.EncryptionKey aes(String id, byte[] key) {
        return new ArtifactCodec.EncryptionKey(id, new SecretKeySpec(key, "AES"));
    }

    private Path encode(Path dump, String name, Compression compression, ArtifactCodec.Encryption encryption) throws IOException {
        Path artifact = dir.resolve(name);
        try (OutputStream out = ArtifactCodec.encoder(Files.newOutputStream(artifact), compression, compression == Compression.ZSTD ? 3 : 6, 0,
                encryption); InputStream in = Files.newInputStream(dump)) {
            in.transferTo(out);
        }
        return artifact;
    }

    /** Runs a program; answers its standard output, failing with its error output if it fails. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + err).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
