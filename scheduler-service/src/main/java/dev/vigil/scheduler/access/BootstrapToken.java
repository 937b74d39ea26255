package dev.vigil.scheduler.access;

import dev.vigil.contracts.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The first admin credential. With {@code vigil.scheduler.bootstrap-token-file} set, a scheduler that
 * finds no live admin token creates one named {@code admin} and writes it to that file, readable by
 * its owner only, and logs the file's path (never the token). A file already there is never
 * overwritten, and nothing is created while a live admin token exists.
 */
@Component
@EnableConfigurationProperties(BootstrapToken.Settings.class)
class BootstrapToken implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);

    /** @param bootstrapTokenFile where to write the first admin token; unset: none is created */
    @ConfigurationProperties("vigil.scheduler")
    record Settings(Path bootstrapTokenFile) {
    }

    private final AccessTokens tokens;
    private final Settings settings;

    BootstrapToken(AccessTokens tokens, Settings settings) {
        this.tokens = tokens;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments args) {
        Path file = settings.bootstrapTokenFile();
        if (tokens.anyLiveAdmin()) {
            return;
        }
        if (file == null || file.toString().isBlank()) {
            log.warn("no admin access token exists, so nobody can create one: set VIGIL_BOOTSTRAP_TOKEN_FILE to a file path and restart; "
                    + "the scheduler writes an admin token there");
            return;
        }
        if (Files.exists(file)) {
            log.warn("no live admin access token exists, and {} is there already: remove it (its token is revoked or expired) and restart to "
                    + "get a new one", file);
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, ".admin-token", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            AccessTokens.Issued issued = tokens.create("admin", Role.ADMIN, null, "bootstrap");
            try {
                Files.writeString(temp, issued.secretToken() + "\n");
                Files.move(temp, file);
            } catch (IOException e) {
                // Nobody could use the token: it must not count as the live admin that stops the next start from making one.
                tokens.revoke(issued.token().tokenId(), "bootstrap");
                throw e;
            }
            log.info("created the first admin access token and wrote it to {} (readable by its owner only)", file);
        } catch (FileAlreadyExistsException raced) {
            log.warn("{} appeared while the admin token was being written; the token made for it is revoked", file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the admin access token to " + file + ": " + e.getMessage()
                    + "; set VIGIL_BOOTSTRAP_TOKEN_FILE to a writable path", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // what a leftover temporary file may hold is a token already revoked above
                }
            }
        }
    }
}
