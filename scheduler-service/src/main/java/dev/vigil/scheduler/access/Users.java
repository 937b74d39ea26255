package dev.vigil.scheduler.access;

import dev.vigil.contracts.Role;
import dev.vigil.security.TokenIntrospector;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * The people who sign in to the operations page with a password, owned here: created and disabled
 * by an admin, the password kept as a bcrypt hash only. Thread-safe.
 */
@Service
public class Users implements UserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(Users.class);

    /** A user as lists show it: never the password or its hash. */
    public record UserView(String username, Role role, String createdBy, Instant createdAt, @Nullable Instant disabledAt) {
    }

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates a user; empty when the name is taken. */
    public Optional<UserView> create(String username, String password, Role role, String createdBy) {
        int created = jdbc.sql("insert into users (username, password_hash, role, created_by) values (?, ?, ?, ?) on conflict do nothing")
                .params(username, passwords.encode(password), role.name(), createdBy).update();
        if (created == 0) {
            return Optional.empty();
        }
        log.info("user {} ({}) created by {}", username, role, createdBy);
        return find(username);
    }

    /** Disables a user: they can no longer sign in (a session already open lasts until it ends); empty when unknown. */
    public Optional<UserView> disable(String username, String disabledBy) {
        if (jdbc.sql("update users set disabled_at = now(), disabled_by = ? where username = ? and disabled_at is null")
                .params(disabledBy, username).update() == 1) {
            log.info("user {} disabled by {}", username, disabledBy);
        }
        return find(username);
    }

    public Optional<UserView> find(String username) {
        return jdbc.sql("select * from users where username = ?").param(username).query(Users::view).optional();
    }

    public List<UserView> all() {
        return jdbc.sql("select * from users order by created_at, username").query(Users::view).list();
    }

    private static UserView view(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new UserView(rs.getString("username"), Role.valueOf(rs.getString("role")), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("disabled_at")));
    }

    public boolean anyLiveAdmin() {
        return jdbc.sql("select count(*) from users where role = 'ADMIN' and disabled_at is null").query(Long.class).single() > 0;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("select * from users where username = ?").param(username)
                .query((rs, n) -> User.withUsername(rs.getString("username")).password(rs.getString("password_hash"))
                        .authorities(TokenIntrospector.authorities(Role.valueOf(rs.getString("role"))))
                        .disabled(rs.getTimestamp("disabled_at") != null).build())
                .optional().orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    /** The encoder the stored hashes were made with, to check a password against them. */
    public PasswordEncoder passwordEncoder() {
        return passwords;
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
