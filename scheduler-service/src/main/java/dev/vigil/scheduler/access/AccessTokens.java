package dev.vigil.scheduler.access;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.AccessToken;
import dev.vigil.contracts.Role;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.security.TokenVerifier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The access tokens of Vigil's HTTP APIs, owned here: created and revoked by an admin, kept as the
 * SHA-256 of their secret, and announced to the other services on the compacted access topic through
 * the outbox (a grant, or a tombstone when revoked), in the same transaction as the row. The
 * scheduler checks tokens against this table itself. Thread-safe.
 */
@Service
public class AccessTokens implements TokenVerifier {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);

    /** A token as lists show it: never its secret. */
    public record TokenView(String tokenId, String name, Role role, @Nullable Instant expiresAt, String grantedBy, Instant createdAt,
            @Nullable Instant revokedAt, @Nullable String revokedBy) {
    }

    /** A token just created: the only time its whole text is shown. */
    public record Issued(TokenView token, String secretToken) {
    }

    private final JdbcClient jdbc;
    private final Outbox outbox;

    AccessTokens(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Creates a token and announces its grant; the answer holds the token's text, which nothing keeps. */
    @Transactional
    public Issued create(String name, Role role, @Nullable Instant expiresAt, String grantedBy) {
        return register(AccessToken.issue(), name, role, expiresAt, grantedBy);
    }

    /**
     * Registers a token made elsewhere (the bootstrap file's) and announces its grant; a token id
     * already known is not registered again, and the answer is then empty.
     */
    @Transactional
    public java.util.Optional<Issued> registerIfNew(AccessToken token, String name, Role role, String grantedBy) {
        return find(token.tokenId()).isPresent() ? java.util.Optional.empty() : java.util.Optional.of(register(token, name, role, null, grantedBy));
    }

    private Issued register(AccessToken token, String name, Role role, @Nullable Instant expiresAt, String grantedBy) {
        AccessGranted grant = AccessGranted.now(token.tokenId(), name, role, token.secretSha256(), expiresAt, grantedBy);
        jdbc.sql("""
                insert into access_tokens (token_id, name, role, secret_sha256, expires_at, granted_by, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(grant.tokenId(), grant.name(), role.name(), grant.secretSha256(), timestamp(expiresAt), grantedBy,
                        Timestamp.from(grant.occurredAt()))
                .update();
        outbox.append(grant.tokenId(), grant);
        log.info("access token {} ({}, {}) created by {}", grant.tokenId(), name, role, grantedBy);
        return new Issued(find(grant.tokenId()).orElseThrow(), token.text());
    }

    /** Revokes a token and announces it (a tombstone); answers the token as it now is, empty when unknown. Revoking twice changes nothing. */
    @Transactional
    public Optional<TokenView> revoke(String tokenId, String revokedBy) {
        int changed = jdbc.sql("update access_tokens set revoked_at = now(), revoked_by = ? where token_id = ? and revoked_at is null")
                .params(revokedBy, tokenId).update();
        if (changed == 1) {
            outbox.withdraw(Topics.ACCESS_GRANTED, tokenId);
            log.info("access token {} revoked by {}", tokenId, revokedBy);
        }
        return find(tokenId);
    }

    public Optional<TokenView> find(String tokenId) {
        return jdbc.sql("select * from access_tokens where token_id = ?").param(tokenId).query(AccessTokens::view).optional();
    }

    /** Every token, newest first, revoked ones included. */
    public List<TokenView> all() {
        return jdbc.sql("select * from access_tokens order by created_at desc, token_id").query(AccessTokens::view).list();
    }

    /** Whether a live admin token exists (not revoked, not expired). */
    public boolean anyLiveAdmin() {
        return jdbc.sql("select count(*) from access_tokens where role = 'ADMIN' and revoked_at is null and (expires_at is null or expires_at > now())")
                .query(Long.class).single() > 0;
    }

    @Override
    public Optional<AccessGranted> grant(String tokenId) {
        return jdbc.sql("select * from access_tokens where token_id = ? and revoked_at is null").param(tokenId)
                .query((rs, n) -> new AccessGranted(java.util.UUID.randomUUID(), rs.getTimestamp("created_at").toInstant(),
                        AccessGranted.SCHEMA_VERSION, rs.getString("token_id"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                        rs.getString("secret_sha256"), instant(rs.getTimestamp("expires_at")), rs.getString("granted_by")))
                .optional();
    }

    private static TokenView view(ResultSet rs, int row) throws SQLException {
        return new TokenView(rs.getString("token_id"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                instant(rs.getTimestamp("expires_at")), rs.getString("granted_by"), rs.getTimestamp("created_at").toInstant(),
                instant(rs.getTimestamp("revoked_at")), rs.getString("revoked_by"));
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
