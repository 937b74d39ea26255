package dev.vigil.cli;

import dev.vigil.codec.AgeIdentity;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.ArtifactDamagedException;
import dev.vigil.codec.Compression;
import dev.vigil.codec.DirectoryArchive;
import dev.vigil.codec.Keyring;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Turns a stored artifact back into what pg_dump wrote, with no service running: decrypts it (a
 * Vigil key, or an age identity) and decompresses it (zstd, gzip), telling both from the
 * artifact's own first bytes, as the verifier's codec reads them. Writes beside the artifact
 * through a temporary name, so a failure leaves no half-written output, and only its owner may
 * read what it writes.
 */
@Command(name = "decode", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class, description = {"Turn a stored artifact (the object in the bucket, e.g. *.dump.zst.enc) back into the file pg_dump",
        "wrote, with no service running. How it is encrypted and compressed is read from the artifact itself.",
        "A custom-format dump becomes a file (pg_restore reads it); a directory-format artifact (*.dump.tar*) is unpacked",
        "into a directory (pg_restore reads that too); a plain one becomes the SQL script. The output is readable by you",
        "alone. Exit status 0 when decoded, 1 when it cannot be (wrong key, damaged), 2 on a usage error."},
        footer = {"", "Key files:",
                "  - 32 random bytes in base64, as ./vigil dev keeps in .vigil/keys/dev.key (its key id is the one the artifact names);",
                "  - id:base64 entries, comma- or line-separated, as VIGIL_ENCRYPTION_KEYS holds them;",
                "  - an age identity file (AGE-SECRET-KEY-1..., as age-keygen writes it) for artifacts encrypted to an age recipient."})
final class DecodeCommand implements Callable<Integer> {

    private static final FileAttribute<?> OWNER_ONLY_FILE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIRECTORY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    @Parameters(paramLabel = "ARTIFACT", description = "The artifact, as downloaded from the bucket.")
    Path artifact;

    @Option(names = "--key-file", paramLabel = "FILE", description = "The key (see Key files); not needed for an artifact that is not encrypted.")
    Path keyFile;

    @Option(names = "--key-id", paramLabel = "ID", description = "The key id to use; default: the one the artifact's header names (an age "
            + "artifact: each identity in the file in turn).")
    String keyId;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Where to write; '-' for standard output (not for a directory-format "
            + "artifact). Default: beside the artifact, its name without the wrapping extensions (x.dump.zst.enc -> x.dump).")
    String output;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print what was done as JSON.")
    boolean json;

    private final Context context;

    DecodeCommand(Context context) {
        this.context = context;
    }

    /** What pg_dump wrote, as its first bytes tell. */
    enum Format {
        CUSTOM("pg_dump custom format"), DIRECTORY("pg_dump directory format"), PLAIN("plain SQL");

        final String description;

        Format(String description) {
            this.description = description;
        }

        static Format of(byte[] first) {
            if (first.length >= 5 && new String(first, 0, 5, StandardCharsets.US_ASCII).equals("PGDMP")) {
                return CUSTOM;
            }
            if (first.length >= 262 && new String(first, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                return DIRECTORY;
            }
            return PLAIN;
        }
    }

    /** The decrypted stream and what it was decrypted with. */
    private record Opened(InputStream stream, String keyId) {
    }

    @Override
    public Integer call() throws CliFailure {
        if (!Files.isRegularFile(artifact)) {
            throw CliFailure.usage(Files.exists(artifact) ? artifact + " is not a file" : "there is no file " + artifact);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(artifact)) {
            head = in.readNBytes(ArtifactCodec.ENVELOPE_HEAD);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + artifact + ": " + e.getMessage());
        }
        Opened opened = open(ArtifactCodec.envelope(head));
        Path out = null;
        try (BufferedInputStream decrypted = new BufferedInputStream(opened.stream(), 1 << 16)) {
            Compression compression = Compression.sniff(peek(decrypted, 4));
            BufferedInputStream decoded = new BufferedInputStream(compression.decompress(decrypted), 1 << 20);
            Format format = Format.of(peek(decoded, 512));
            long bytes;
            if ("-".equals(output)) {
                if (format == Format.DIRECTORY) {
                    throw CliFailure.usage(artifact + " is a directory-format dump, which unpacks into a directory: give -o DIR");
                }
                bytes = decoded.transferTo(context.stdout());
                context.stdout().flush();
            } else {
                out = output != null ? Path.of(output) : defaultOutput(format);
                refuseExisting(out);
                bytes = format == Format.DIRECTORY ? unpack(decoded, out) : write(decoded, out);
            }
            report(opened.keyId(), compression, format, out, bytes);
            return Exit.OK;
        } catch (ArtifactDamagedException e) {
            throw new CliFailure(Exit.FAILED, artifact + " cannot be decoded: " + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(Exit.FAILED, "decoding " + artifact + " failed: " + e.getMessage()
                    + (e instanceof NoSuchFileException ? " (no such file or directory)" : ""));
        }
    }

    /** Opens the encryption layer the artifact's header names, with the key file's key. */
    private Opened open(ArtifactCodec.Envelope envelope) throws CliFailure {
        try {
            return switch (envelope) {
                case ArtifactCodec.Envelope.Keyed keyed -> {
                    Keyring keyring = aesKeys(keyed.keyId());
                    yield new Opened(ArtifactCodec.decoder(Files.newInputStream(artifact), Compression.NONE, keyed.keyId(), keyring), keyed.keyId());
                }
                case ArtifactCodec.Envelope.Age age -> openAge();
                case ArtifactCodec.Envelope.Clear clear -> {
                    if (keyFile != null) {
                        context.err().println("vigil: " + artifact + " is not encrypted; --key-file is not needed");
                    }
                    yield new Opened(Files.newInputStream(artifact), null);
                }
            };
        } catch (ArtifactDamagedException e) {
            throw new CliFailure(Exit.FAILED, artifact + " cannot be decoded: " + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(Exit.FAILED, "cannot decrypt " + artifact + ": " + e.getMessage());
        }
    }

    /** The keyring to open an artifact encrypted under {@code headerKeyId}: the key file's entries, or its one bare key under that id. */
    private Keyring aesKeys(String headerKeyId) throws CliFailure {
        if (keyFile == null) {
            throw CliFailure.usage(artifact + " is encrypted under key '" + headerKeyId + "': give that key with --key-file FILE (./vigil dev keeps its "
                    + "key in .vigil/keys/dev.key; elsewhere it is the entry '" + headerKeyId + "' of VIGIL_ENCRYPTION_KEYS)");
        }
        if (keyId != null && !keyId.equals(headerKeyId)) {
            throw CliFailure.usage(artifact + " is encrypted under key '" + headerKeyId + "', not '" + keyId + "' (--key-id)");
        }
        String content = readKeyFile();
        if (content.startsWith("AGE-SECRET-KEY-1") || content.startsWith("#")) {
            throw CliFailure.usage(keyFile + " holds an age identity, but " + artifact + " is encrypted under Vigil's key '" + headerKeyId
                    + "': give the file that holds that key");
        }
        if (!content.contains(":")) {
            try {
                return Keyring.parse(headerKeyId + ":" + content);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(keyFile + " does not hold a key: " + e.getMessage() + "; it should hold 32 bytes in base64, as "
                        + ".vigil/keys/dev.key does, or id:base64 entries as VIGIL_ENCRYPTION_KEYS does");
            }
        }
        Keyring keyring;
        try {
            keyring = Keyring.parse(content.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining(",")));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(keyFile + ": " + e.getMessage());
        }
        if (keyring.key(headerKeyId).isEmpty()) {
            throw new CliFailure(Exit.FAILED, artifact + " is encrypted under key '" + headerKeyId + "', which " + keyFile + " does not hold (it holds "
                    + String.join(", ", keyring.ids()) + ")");
        }
        return keyring;
    }

    /** An age artifact, opened with the identity named by --key-id, else with each identity of the key file in turn. */
    private Opened openAge() throws CliFailure, IOException {
        if (keyFile == null) {
            throw CliFailure.usage(artifact + " is encrypted to an age recipient: give its identity file with --key-file FILE");
        }
        List<AgeIdentity> identities;
        try {
            identities = AgeIdentity.load(keyFile);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(artifact + " is encrypted to an age recipient, and " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("there is no key file " + keyFile);
        }
        Keyring keyring = Keyring.empty().withAgeIdentities(identities);
        List<String> candidates = identities.stream().map(identity -> identity.recipient().id()).toList();
        if (keyId != null) {
            if (!candidates.contains(keyId)) {
                throw CliFailure.usage(keyFile + " holds no age identity with key id " + keyId + "; it holds " + String.join(", ", candidates));
            }
            candidates = List.of(keyId);
        }
        List<String> refusals = new ArrayList<>();
        for (String candidate : candidates) {
            InputStream in = Files.newInputStream(artifact);
            try {
                return new Opened(ArtifactCodec.decoder(in, Compression.NONE, candidate, keyring), candidate);
            } catch (ArtifactDamagedException e) {
                in.close();
                refusals.add(e.getMessage());
            }
        }
        throw new CliFailure(Exit.FAILED, artifact + " cannot be opened with the age identities in " + keyFile + " (" + String.join(", ", candidates)
                + "): " + String.join("; ", refusals.stream().distinct().toList()));
    }

    private String readKeyFile() throws CliFailure {
        try {
            String content = Files.readString(keyFile).strip();
            if (content.isEmpty()) {
                throw CliFailure.usage("the key file " + keyFile + " is empty");
            }
            return content;
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("there is no key file " + keyFile);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read the key file " + keyFile + ": " + e.getMessage());
        }
    }

    /** The first bytes of {@code in}, left to be read again. */
    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] first = in.readNBytes(n);
        in.reset();
        return first;
    }

    /** Beside the artifact, its name without the extensions that say how it is wrapped: x.dump.zst.enc -> x.dump, x.dump.tar.gz -> x.dump. */
    private Path defaultOutput(Format format) throws CliFailure {
        String name = artifact.getFileName().toString();
        String stripped = strip(name, ".enc", ".age");
        stripped = strip(stripped, ".zst", ".gz");
        if (format == Format.DIRECTORY) {
            stripped = strip(stripped, ".tar");
        }
        if (stripped.equals(name) || stripped.isEmpty()) {
            throw CliFailure.usage("the name " + name + " has no wrapping extension to take off: say where to write with -o OUT");
        }
        return artifact.resolveSibling(stripped);
    }

    private static String strip(String name, String... extensions) {
        return Arrays.stream(extensions).filter(name::endsWith).findFirst().map(e -> name.substring(0, name.length() - e.length())).orElse(name);
    }

    private void refuseExisting(Path out) throws CliFailure, IOException {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSameFile(out, artifact)) {
            throw CliFailure.usage(out + " is the artifact itself: write somewhere else with -o OUT");
        }
        if (!force) {
            throw CliFailure.usage(out + " already exists: pass --force to replace it, or write somewhere else with -o OUT");
        }
    }

    /** Writes the decoded stream to {@code out} through a temporary file beside it; answers the bytes written. */
    private long write(InputStream decoded, Path out) throws IOException {
        Path partial = partial(out);
        try {
            Files.deleteIfExists(partial);
            createOwnerOnly(partial, false);
            long bytes;
            try (OutputStream file = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 20];
                bytes = 0;
                for (int n; (n = decoded.read(buffer)) > 0; ) {
                    file.write(buffer, 0, n);
                    bytes += n;
                }
            }
            move(partial, out);
            return bytes;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Unpacks a directory-format dump's tar into {@code out} through a temporary directory beside it; answers the bytes unpacked. */
    private long unpack(InputStream decoded, Path out) throws IOException {
        Path partial = partial(out);
        try {
            DirectoryArchive.delete(partial);
            createOwnerOnly(partial, true);
            DirectoryArchive.extract(decoded, partial);
            if (decoded.read() >= 0) {
                throw new ArtifactDamagedException("the directory archive is followed by data that is not part of it");
            }
            long bytes;
            try (Stream<Path> files = Files.list(partial)) {
                bytes = files.mapToLong(file -> file.toFile().length()).sum();
            }
            if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                DirectoryArchive.delete(out);
            }
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
            return bytes;
        } finally {
            DirectoryArchive.delete(partial);
        }
    }

    private static Path partial(Path out) {
        Path absolute = out.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static void createOwnerOnly(Path path, boolean directory) throws IOException {
        try {
            if (directory) {
                Files.createDirectory(path, OWNER_ONLY_DIRECTORY);
            } else {
                Files.createFile(path, OWNER_ONLY_FILE);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its own defaults.
            if (directory) {
                Files.createDirectory(path);
            } else {
                Files.createFile(path);
            }
        }
    }

    private void move(Path partial, Path out) throws IOException {
        try {
            if (force) {
                Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(out + " appeared while decoding; nothing was replaced", e);
        }
    }

    private void report(String usedKey, Compression compression, Format format, Path out, long bytes) {
        String target = out == null ? "standard output" : out.toString();
        if (json) {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("artifact", artifact.toString());
            done.put("output", out == null ? "-" : out.toString());
            done.put("keyId", usedKey);
            done.put("compression", compression.wireName());
            done.put("format", format.name().toLowerCase(Locale.ROOT));
            done.put("bytes", bytes);
            (out == null ? context.err() : context.out()).println(Api.JSON.writeValueAsString(done));
            return;
        }
        String wrapping = (usedKey == null ? "not encrypted" : "encrypted with key " + usedKey) + ", "
                + (compression == Compression.NONE ? "not compressed" : compression.wireName());
        var print = out == null ? context.err() : context.out();
        print.println("Decoded " + artifact + " (" + wrapping + ") into " + target + ": " + Text.size(bytes) + ", " + format.description + ".");
        if (out != null) {
            print.println(format == Format.PLAIN ? "Run it with: psql -f " + out + " DATABASE" : "List it with: pg_restore --list " + out);
        }
    }
}
