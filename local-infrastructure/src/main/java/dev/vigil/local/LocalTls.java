package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate it signed, made with the OS's
 * {@code openssl} for tests: the server certificate names {@code 127.0.0.1} and {@code localhost},
 * so a client connecting with {@code sslmode=verify-full} to a {@link LocalPostgres} accepts it when
 * given {@link #caCertificate()}, and refuses it given another authority's. Keys are unencrypted
 * files under the directory given; nothing here is a secret worth the name.
 *
 * @param caCertificate     the authority's certificate (PEM): what a client trusts
 * @param serverCertificate the server's certificate (PEM), signed by the authority
 * @param serverKey         the server's private key (PEM)
 */
public record LocalTls(Path caCertificate, Path serverCertificate, Path serverKey) {

    /** Makes an authority and a server certificate under {@code dir}, named {@code name}-*. */
    public static LocalTls create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path caKey = dir.resolve(name + "-ca.key");
            Path ca = dir.resolve(name + "-ca.crt");
            Path key = dir.resolve(name + "-server.key");
            Path request = dir.resolve(name + "-server.csr");
            Path certificate = dir.resolve(name + "-server.crt");
            Path extensions = Files.writeString(dir.resolve(name + "-server.ext"),
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                            + "extendedKeyUsage=serverAuth\n");
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", caKey.toString(), "-out", ca.toString(),
                    "-subj", "/CN=" + name + " test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=localhost");
            openssl("x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                    "-days", "2", "-out", certificate.toString(), "-extfile", extensions.toString());
            return new LocalTls(ca, certificate, key);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make test certificates with openssl under " + dir, e);
        }
    }

    private static void openssl(String... arguments) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl " + arguments[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
