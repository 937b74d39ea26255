package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.FailureClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A target's settings name where its password is; they cannot make the worker give out anything else it holds. */
class CredentialsTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("ORDERS_PGPASSWORD", "orders-secret",
            "AWS_SECRET_ACCESS_KEY", "the-bucket-key", "VIGIL_ENCRYPTION_KEYS", "k1:c2VjcmV0");

    @TempDir
    Path tmp;

    private Credentials credentials(Path secrets) {
        return new Credentials(ENVIRONMENT, Pattern.compile("[A-Z0-9_]*PGPASSWORD"), secrets);
    }

    private static Connection withEnv(String variable) {
        return new Connection("attacker.example", 5432, "db", "u", variable, null);
    }

    private static Connection withFile(Path file) {
        return new Connection("attacker.example", 5432, "db", "u", null, file.toString());
    }

    @Test
    void aPasswordVariableOfTheAllowedShapeIsRead() throws Exception {
        assertThat(credentials(tmp).password(withEnv("ORDERS_PGPASSWORD"))).contains("orders-secret");
    }

    @Test
    void anyOtherVariableIsRefusedWithoutSendingOrNamingItsValue() {
        for (String variable : new String[] {"AWS_SECRET_ACCESS_KEY", "VIGIL_ENCRYPTION_KEYS", "PGPASSWORD_AND_MORE"}) {
            assertThatThrownBy(() -> credentials(tmp).password(withEnv(variable))).as(variable)
                    .isInstanceOfSatisfying(DumpFailure.class, e -> assertThat(e.failureClass()).isEqualTo(FailureClass.AUTHENTICATION))
                    .hasMessageContaining("vigil.worker.password-env-pattern").hasMessageContaining("nothing was sent")
                    .hasMessageNotContaining("the-bucket-key").hasMessageNotContaining("c2VjcmV0");
        }
    }

    @Test
    void aPasswordFileIsReadOnlyFromThePasswordDirectoryEvenThroughALink() throws Exception {
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Path inside = Files.writeString(secrets.resolve("orders"), "file-secret\n");
        Path outside = Files.writeString(tmp.resolve("elsewhere"), "not for targets");
        Path link = Files.createSymbolicLink(secrets.resolve("sneaky"), outside);

        assertThat(credentials(secrets).password(withFile(inside))).contains("file-secret");
        for (Path refused : new Path[] {outside, link, secrets.resolve("../elsewhere")}) {
            assertThatThrownBy(() -> credentials(secrets).password(withFile(refused))).as(refused.toString())
                    .isInstanceOf(DumpFailure.class).hasMessageContaining("vigil.worker.password-dir")
                    .hasMessageNotContaining("not for targets");
        }
    }
}
