package dev.vigil.pgclients;

import java.sql.SQLException;
import java.util.List;

/**
 * Tells a connection that failed on TLS (the handshake, the certificate chain, the host name, the CA
 * file) from any other failure, for the driver's exceptions and for what libpq's programs print, so
 * that such a failure is reported as a setting to fix rather than as a network blip or a bad backup.
 * Stateless.
 */
public final class TlsFailures {

    /**
     * libpq's own words for a failed TLS connection; exact phrases, so a table named, say,
     * {@code certificates} in a program's output does not make another failure look like one.
     */
    private static final List<String> LIBPQ_PHRASES = List.of("ssl error", "certificate verify failed", "server certificate for",
            "root certificate file", "does not support ssl", "ssl connection is required");

    private TlsFailures() {
    }

    /**
     * Whether the driver failed to connect on TLS. Only connection failures (SQL state class 08)
     * count, so an error about a table that happens to be named {@code certificates} is not taken
     * for one.
     */
    public static boolean isTls(SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException || cause instanceof java.security.GeneralSecurityException) {
                return true;
            }
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("SSL") || message.contains("hostnameverifier") || message.contains("certificate");
    }

    /** Whether pg_dump's, pg_restore's or psql's output says libpq failed to connect on TLS. */
    public static boolean inLibpqOutput(String output) {
        String lower = output.toLowerCase(java.util.Locale.ROOT);
        return LIBPQ_PHRASES.stream().anyMatch(lower::contains);
    }

    /**
     * What to check after a TLS failure, naming the settings where they are set, e.g.
     * {@code check vigil.verifier.scratch.sslmode and ...}: the CA file, and for verify-full the host name.
     */
    public static String whatToCheck(String sslmodeSetting, String sslrootcertSetting, String hostSetting) {
        return "check " + sslmodeSetting + " and " + sslrootcertSetting + ": the CA file must hold the CA that signed the server's certificate, "
                + "and verify-full also needs the certificate to name the host as " + hostSetting + " gives it";
    }
}
