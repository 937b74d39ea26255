package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.messaging.VigilApplication;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The verifier will not restore untrusted backups as a superuser: started with one as its scratch
 * role, it stops before consuming anything and says which role to create instead.
 */
class LeastPrivilegeStartupTest {

    @Test
    void theVerifierRefusesToStartAsASuperuserSayingHowToCreateTheRightRole() {
        ServiceTestSettings.s3Credentials();
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("verifier_privilege_test");

        Throwable refused = catchThrowable(() -> VigilApplication.builder(VerifierApplication.class, VerifierApplication.NAME)
                .run("--server.port=0", "--spring.cloud.stream.kafka.binder.brokers=" + LocalKafka.shared().bootstrapServers(),
                        "--spring.datasource.url=" + postgres.jdbcUrl("verifier_privilege_test"),
                        "--spring.datasource.username=" + LocalPostgres.SUPERUSER,
                        "--vigil.verifier.endpoint=" + LocalS3.shared().endpoint(),
                        "--vigil.verifier.scratch.host=" + postgres.host(), "--vigil.verifier.scratch.port=" + postgres.port(),
                        "--vigil.verifier.scratch.username=" + LocalPostgres.SUPERUSER, "--vigil.verifier.instance-id=privileged",
                        "--vigil.verifier.work-dir=" + Path.of(System.getProperty("java.io.tmpdir"), "verify-privileged"))
                .close());

        assertThat(refused).as("the verifier started").isNotNull();
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalStateException && cause.getMessage().startsWith("the verifier refuses"))) {
            cause = cause.getCause();
        }
        Assertions.assertThat(cause).hasMessageStartingWith("the verifier refuses to start: the role postgres on the verification server "
                + "(vigil.verifier.scratch) is a superuser")
                .hasMessageContaining("create role vigil_verifier login createdb nosuperuser nocreaterole password");
    }
}
