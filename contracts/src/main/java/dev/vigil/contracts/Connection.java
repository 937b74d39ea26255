package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a target database, without its secret. The password is named by reference only and
 * resolved by the process that connects: an environment variable, a mounted file, or libpq's own
 * {@code .pgpass} when neither is given.
 */
@JsonClassDescription("How to reach a target database. Never holds a password: only a reference to one.")
public record Connection(
        String host,
        @JsonProperty(required = true) int port,
        String database,
        String username,
        @JsonPropertyDescription("Name of an environment variable holding the password, resolved where the dump runs") @Nullable String passwordEnv,
        @JsonPropertyDescription("Path of a file holding the password, resolved where the dump runs") @Nullable String passwordFile) {

    public Connection {
        Events.required(host, "connection.host");
        Events.required(database, "connection.database");
        Events.required(username, "connection.username");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("connection.port must be 1-65535, got: " + port);
        }
    }

    /** host:port/database as user, for logs and messages; never includes a secret. */
    public String describe() {
        return username + "@" + host + ":" + port + "/" + database;
    }
}
