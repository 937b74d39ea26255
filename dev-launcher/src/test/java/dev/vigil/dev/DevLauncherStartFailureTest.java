package dev.vigil.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.PortInUseException;

/** What the launcher tells the user when the stack did not start; a port taken after the launcher's own check cannot be staged reliably. */
class DevLauncherStartFailureTest {

    private static final Path LOG = Path.of("/home/me/vigil/.vigil/logs/vigil.log");

    @Test
    void theApiPortTakenWhileTheSchedulerStartsIsNamedAsWhenTakenBefore() {
        var failure = new IllegalStateException("scheduler did not start", new PortInUseException(8080, new BindException("Address already in use")));

        assertThat(DevLauncher.startFailure(failure, 8080, LOG)).isEqualTo("vigil: port 8080 is in use; stop what uses it or pass --port N");
    }

    @Test
    void aPortTheLauncherPickedAndLostSaysToRunAgain() {
        var failure = new IllegalStateException("could not start the local S3 endpoint on port 41029", new BindException("Address already in use"));

        assertThat(DevLauncher.startFailure(failure, 8080, LOG))
                .isEqualTo("vigil: could not start: another program took a port the launcher had picked (Address already in use); run it again"
                        + " (details in /home/me/vigil/.vigil/logs/vigil.log)");
    }

    @Test
    void anyOtherFailureGivesItsRootCauseAndWhereTheDetailsAre() {
        var failure = new IllegalStateException("storage did not start", new IllegalArgumentException("bucket name is not valid"));

        assertThat(DevLauncher.startFailure(failure, 8080, LOG))
                .isEqualTo("vigil: could not start: bucket name is not valid (details in /home/me/vigil/.vigil/logs/vigil.log)");
    }
}
