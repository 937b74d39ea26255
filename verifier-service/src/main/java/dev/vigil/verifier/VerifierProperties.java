package dev.vigil.verifier;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the verifier ({@code vigil.verifier.*}).
 *
 * @param endpoint   the S3-compatible store holding the backups; empty for AWS S3
 * @param region     signing region
 * @param pathStyle  path-style addressing
 * @param scratch    the PostgreSQL server backups are restored into; its major version must be at least the sources'
 * @param pgBinRoot  directory holding one {@code <major>/bin} per installed PostgreSQL client
 * @param pgBinDir   a single directory holding pg_restore, used instead of {@code pgBinRoot} when set
 * @param workDir    where downloaded artifacts wait for pg_restore
 * @param encryptionKeys the keyring for encrypted artifacts, {@code id:base64-32-bytes[,...]}, by reference ({@code VIGIL_ENCRYPTION_KEYS})
 * @param ageIdentityFile an age identity file ({@code age-keygen -o FILE}: {@code AGE-SECRET-KEY-1...} lines) for artifacts
 *                   encrypted to an age recipient, by path ({@code VIGIL_AGE_IDENTITY_FILE}); empty for none
 * @param restoreJobs parallel pg_restore processes for custom- and directory-format artifacts
 * @param checkTimeout how long one of a target's own checks may run on a restored backup
 * @param keepFree   space to leave free on the work directory's disk besides what a verification needs
 * @param restoreServers servers a restore on demand may name ({@code RestoreRequested.server}), by name; the
 *                   verification server is used when a request names none
 * @param restoreAllowList where each target may be restored on demand: a request matching no rule is refused; empty
 *                   (the default): no restore on demand is allowed anywhere
 * @param instanceId this verifier's name in its scratch databases' names, stable across restarts (default: the host
 *                   name), so that on start-up it drops the scratch databases it left behind and no other instance's
 * @param allowSuperuser whether the verifier may restore as a role that could read or write the server's files or run
 *                   programs there (a superuser, {@code CREATEROLE}, {@code pg_read_server_files},
 *                   {@code pg_write_server_files}, {@code pg_execute_server_program}); by default it refuses to start
 *                   as one, and a restore finding one is {@code INCONCLUSIVE}
 * @param restoreWhileArriving whether a verification restores a custom-format backup while it arrives (in pieces, see
 *                   {@code StreamedRestore}) rather than once it is whole
 * @param s3Timeouts when the S3 client gives the store up: connect, read (also a stalled download), one request
 * @param concurrency verifications at once in this instance, each into a scratch database of its own (restores and
 *                   re-restores on demand run one at a time beside them)
 */
@ConfigurationProperties("vigil.verifier")
public record VerifierProperties(
        URI endpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("true") boolean pathStyle,
        Server scratch,
        @DefaultValue("/usr/lib/postgresql") Path pgBinRoot,
        Path pgBinDir,
        Path workDir,
        @DefaultValue("") String encryptionKeys,
        @DefaultValue("") String ageIdentityFile,
        String instanceId,
        @DefaultValue("2") int restoreJobs,
        @DefaultValue("true") boolean restoreWhileArriving,
        @DefaultValue("60s") java.time.Duration checkTimeout,
        @DefaultValue("1GB") org.springframework.util.unit.DataSize keepFree,
        java.util.Map<String, Server> restoreServers,
        java.util.List<RestoreRule> restoreAllowList,
        @DefaultValue("false") boolean allowSuperuser,
        @DefaultValue dev.vigil.objectstore.S3Timeouts s3Timeouts,
        @DefaultValue("1") int concurrency) {

    public VerifierProperties {
        restoreServers = restoreServers == null ? java.util.Map.of() : java.util.Map.copyOf(restoreServers);
        restoreAllowList = restoreAllowList == null ? java.util.List.of() : java.util.List.copyOf(restoreAllowList);
    }

    @Override
    public String toString() {
        // The keyring and the scratch password never leave in a log line or an error report.
        return "VerifierProperties[endpoint=" + endpoint + ", workDir=" + workDir + "]";
    }

    /**
     * A PostgreSQL server the verifier restores into: the verification (scratch) server, or a server a
     * restore on demand may name. The password is taken from the environment by reference
     * ({@code VIGIL_SCRATCH_PASSWORD}, {@code VIGIL_VERIFIER_RESTORESERVERS_<NAME>_PASSWORD}), never
     * written in a settings file.
     *
     * @param connectTimeout how long to wait for the server to accept a connection
     * @param socketTimeout  how long to wait for any answer on an open connection (a restored table's row count, dropping
     *                       a large scratch database) before giving the server up
     * @param sslmode        libpq's TLS mode for every connection to it, the verifier's own and pg_restore's and psql's:
     *                       {@code disable}, {@code prefer} (the default: encrypted when the server offers it, unverified),
     *                       {@code require}, {@code verify-ca} or {@code verify-full}
     * @param sslrootcert    the absolute path of the CA file (PEM) the server's certificate must be signed by, on the
     *                       verifier's machine; empty for libpq's default ({@code ~/.postgresql/root.crt})
     */
    public record Server(
            @DefaultValue("localhost") String host,
            @DefaultValue("5432") int port,
            @DefaultValue("vigil") String username,
            @DefaultValue("") String password,
            @DefaultValue("postgres") String maintenanceDatabase,
            @DefaultValue("10s") java.time.Duration connectTimeout,
            @DefaultValue("1h") java.time.Duration socketTimeout,
            @DefaultValue("prefer") String sslmode,
            @DefaultValue("") String sslrootcert) {

        public Server {
            connectTimeout = connectTimeout == null ? java.time.Duration.ofSeconds(10) : connectTimeout;
            socketTimeout = socketTimeout == null ? java.time.Duration.ofHours(1) : socketTimeout;
            sslmode = sslmode == null || sslmode.isBlank() ? "prefer" : sslmode;
            if (!dev.vigil.contracts.Connection.SSL_MODES.contains(sslmode)) {
                throw new IllegalArgumentException("sslmode must be one of " + String.join(", ", dev.vigil.contracts.Connection.SSL_MODES)
                        + ", got: " + sslmode);
            }
            sslrootcert = sslrootcert == null ? "" : sslrootcert.strip();
            if (!sslrootcert.isEmpty() && !sslrootcert.startsWith("/")) {
                // Relative, it would be read against whatever directory the verifier and its programs happen to run in.
                throw new IllegalArgumentException("sslrootcert must be an absolute path on the verifier, got: " + sslrootcert);
            }
        }

        /** The same server with these TLS settings. */
        public Server withTls(String sslmode, String sslrootcert) {
            return new Server(host, port, username, password, maintenanceDatabase, connectTimeout, socketTimeout, sslmode, sslrootcert);
        }

        /** How the TLS settings read in a message: the mode, and the CA file or libpq's default. */
        public String describeTls() {
            return "sslmode " + sslmode + ", " + (sslrootcert.isEmpty() ? "libpq's default CA file ~/.postgresql/root.crt" : "sslrootcert " + sslrootcert);
        }

        @Override
        public String toString() {
            return "Server[" + username + "@" + host + ":" + port + "]";
        }
    }

    /**
     * One rule of the restore allow-list ({@code vigil.verifier.restore-allow-list[i]}): backups of the
     * targets matching {@code target} may be restored on {@code server} into databases matching one of
     * {@code databases}. {@code *} in a pattern stands for any characters (none included); everything
     * else matches itself, case included.
     *
     * @param target    a target id, or a pattern such as {@code orders-*} or {@code *}
     * @param server    a name under {@code restore-servers}; left out: the verification server, as in the event
     * @param databases database names or patterns, such as {@code orders_restored} or {@code orders_*}
     */
    public record RestoreRule(String target, String server, java.util.List<String> databases) {

        public RestoreRule {
            databases = databases == null ? java.util.List.of() : java.util.List.copyOf(databases);
        }
    }
}
