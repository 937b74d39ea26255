package dev.vigil.pgclients;

import java.util.Map;
import java.util.Properties;

/**
 * A server's TLS settings as libpq's programs (their environment) and the JDBC driver (its
 * connection properties) take them: the same for a service's own connections and the programs it
 * runs, and nothing inherited from the service's own environment.
 *
 * @param sslmode     libpq's sslmode ({@code prefer}, {@code verify-full}, ...)
 * @param sslrootcert the CA file's path, or null or empty for libpq's default
 */
public record ServerTls(String sslmode, String sslrootcert) {

    private boolean hasRootCert() {
        return sslrootcert != null && !sslrootcert.isEmpty();
    }

    /** Into a program's environment ({@code PGSSLMODE}, {@code PGSSLROOTCERT}), replacing what was there. */
    public void applyTo(Map<String, String> environment) {
        environment.put("PGSSLMODE", sslmode);
        environment.remove("PGSSLROOTCERT");
        if (hasRootCert()) {
            environment.put("PGSSLROOTCERT", sslrootcert);
        }
    }

    /** Into the driver's connection properties. */
    public void applyTo(Properties driver) {
        driver.setProperty("sslmode", sslmode);
        if (hasRootCert()) {
            driver.setProperty("sslrootcert", sslrootcert);
        }
    }
}
