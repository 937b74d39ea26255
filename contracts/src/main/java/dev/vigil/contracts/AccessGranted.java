package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An access token for Vigil's HTTP APIs was created. The scheduler announces it on the compacted
 * access topic, keyed by the token's id, so every service can check a bearer token without reading
 * the scheduler's tables; revoking it is a tombstone under the same key. The token itself never
 * travels: only the SHA-256 of its secret part, which was drawn from 256 random bits.
 */
@JsonClassDescription("An access token for the HTTP APIs was created, announced by the scheduler on the compacted access topic keyed by "
        + "tokenId; a tombstone under the same key revokes it. Carries the SHA-256 of the token's secret, never the token.")
public record AccessGranted(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("The token's public id, the part of the token before the dot") String tokenId,
        @JsonPropertyDescription("Who or what holds the token, as the audit log names it (a person, a pipeline)") String name,
        @JsonPropertyDescription("VIEWER, OPERATOR or ADMIN") Role role,
        @JsonPropertyDescription("Lower-case hex SHA-256 of the token's secret part, the part after the dot") String secretSha256,
        @JsonPropertyDescription("When the token stops working; absent: until revoked")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant expiresAt,
        @JsonPropertyDescription("Who created it") String grantedBy) {

    public static final int SCHEMA_VERSION = 1;

    private static final Pattern TOKEN_ID = Pattern.compile("[a-z0-9]{8,32}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public AccessGranted {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(role, "role");
        Events.required(grantedBy, "grantedBy");
        if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("tokenId must be 8 to 32 lower-case letters and digits, got: " + tokenId);
        }
        if (secretSha256 == null || !SHA256_HEX.matcher(secretSha256).matches()) {
            throw new IllegalArgumentException("secretSha256 must be 64 lower-case hex digits");
        }
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name must be 1 to 100 characters");
        }
    }

    public static AccessGranted now(String tokenId, String name, Role role, String secretSha256, @Nullable Instant expiresAt, String grantedBy) {
        return new AccessGranted(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, tokenId, name, role, secretSha256, expiresAt, grantedBy);
    }
}
