package dev.vigil.scheduler.access;

import dev.vigil.contracts.AccessToken;
import dev.vigil.contracts.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The first admin credentials. With {@code vigil.scheduler.bootstrap-token-file} set, a scheduler that
 * finds no live admin access token creates one named {@code admin} and writes it there; with
 * {@code vigil.scheduler.bootstrap-password-file} set, one that finds no admin user creates the user
 * {@code admin} with a random password and writes the password there. Each file is readable by its
 * owner only, its path is logged (never what it holds), and nothing is created while a live admin
 * exists. A file already there is never overwritten: what it holds is registered if it never was
 * (a start stopped between writing the file and registering it), else left alone with a warning.
 */
@Component
@EnableConfigurationProperties(BootstrapAdmin.Settings.class)
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param bootstrapTokenFile    where to write the first admin token; unset: none is created
     * @param bootstrapPasswordFile where to write the first admin user's password (the operations page); unset: none is created
     */
    @ConfigurationProperties("vigil.scheduler")
    record Settings(@Nullable Path bootstrapTokenFile, @Nullable Path bootstrapPasswordFile) {
    }

    private final AccessTokens tokens;
    private final Users users;
    private final Settings settings;

    BootstrapAdmin(AccessTokens tokens, Users users, Settings settings) {
        this.tokens = tokens;
        this.users = users;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!tokens.anyLiveAdmin()) {
            bootstrap("admin access token", "VIGIL_BOOTSTRAP_TOKEN_FILE", settings.bootstrapTokenFile(), () -> AccessToken.issue().text(), text -> {
                AccessToken token = AccessToken.parse(text).orElse(null);
                return token != null && tokens.registerIfNew(token, "admin", Role.ADMIN, "bootstrap").isPresent();
            });
        }
        if (!users.anyLiveAdmin()) {
            bootstrap("admin user's password", "VIGIL_BOOTSTRAP_PASSWORD_FILE", settings.bootstrapPasswordFile(), BootstrapAdmin::password,
                    password -> password.length() >= 12 && users.create("admin", password, Role.ADMIN, "bootstrap").isPresent());
        }
    }

    private static String password() {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * The file first, then the credential it holds: a scheduler stopped in between finds the file at
     * its next start and registers what it holds (once: a credential already registered, revoked or
     * disabled is not brought back), so no admin credential ever exists that nobody was given.
     */
    private static void bootstrap(String what, String variable, @Nullable Path file, Supplier<String> make, Predicate<String> register) {
        if (file == null || file.toString().isBlank()) {
            log.warn("no {} exists, so nobody can sign in as an admin: set {} to a file path and restart; the scheduler writes one there", what,
                    variable);
            return;
        }
        try {
            if (!Files.exists(file)) {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, ".bootstrap", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(temp, make.get() + "\n");
                    Files.move(temp, file);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            if (register.test(Files.readString(file).strip())) {
                log.info("created the first {}; it is in {} (readable by its owner only)", what, file);
            } else {
                log.warn("no live {} exists, and what {} holds was withdrawn or is not one: remove the file and restart to get a new one", what,
                        file);
            }
        } catch (FileAlreadyExistsException raced) {
            log.warn("{} appeared while the {} was being written; restart to use it", file, what);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the " + what + " to " + file + ": " + e.getMessage() + "; set " + variable
                    + " to a writable path", e);
        }
    }
}
