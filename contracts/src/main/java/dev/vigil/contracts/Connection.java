package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a target database, without its secret. The password is named by reference only and
 * resolved by the process that connects: an environment variable, a mounted file, or libpq's own
 * {@code .pgpass} when neither is given. TLS is libpq's: {@code sslmode} and the path of a CA file on
 * the machine that connects ({@code sslrootcert}), never a certificate's content.
 */
@JsonClassDescription("How to reach a target database. Never holds a password: only a reference to one.")
public record Connection(
        String host,
        @JsonProperty(required = true) int port,
        String database,
        String username,
        @JsonPropertyDescription("Name of an environment variable holding the password, resolved where the dump runs") @Nullable String passwordEnv,
        @JsonPropertyDescription("Path of a file holding the password, resolved where the dump runs") @Nullable String passwordFile,
        @JsonPropertyDescription("libpq's sslmode (since TargetConfigured v5): disable, prefer, require, verify-ca or verify-full; absent: prefer")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String sslmode,
        @JsonPropertyDescription("Absolute path of a file of trusted CA certificates (PEM) where the dump runs (since TargetConfigured v5); "
                + "absent: libpq's default, ~/.postgresql/root.crt")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String sslrootcert) {

    /** libpq's modes, weakest first; {@code prefer} is libpq's default and what an absent mode means. */
    public static final List<String> SSL_MODES = List.of("disable", "prefer", "require", "verify-ca", "verify-full");

    public Connection {
        Events.required(host, "connection.host");
        Events.required(database, "connection.database");
        Events.required(username, "connection.username");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("connection.port must be 1-65535, got: " + port);
        }
        if (sslmode != null && !SSL_MODES.contains(sslmode)) {
            throw new IllegalArgumentException("connection.sslmode must be one of " + String.join(", ", SSL_MODES) + ", got: " + sslmode);
        }
        if (sslrootcert != null && !sslrootcert.startsWith("/")) {
            throw new IllegalArgumentException("connection.sslrootcert must be an absolute path on the dump workers, got: " + sslrootcert);
        }
    }

    /** A connection with libpq's default TLS ({@code prefer}, libpq's default CA file), as before version 5 of {@code TargetConfigured}. */
    public Connection(String host, int port, String database, String username, @Nullable String passwordEnv, @Nullable String passwordFile) {
        this(host, port, database, username, passwordEnv, passwordFile, null, null);
    }

    /** The TLS mode to connect with: the one given, else libpq's default {@code prefer}. */
    public String sslmodeOrDefault() {
        return sslmode == null ? "prefer" : sslmode;
    }

    /** host:port/database as user, for logs and messages; never includes a secret. */
    public String describe() {
        return username + "@" + host + ":" + port + "/" + database;
    }
}
