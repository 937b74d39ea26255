package dev.vigil.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevLauncherOptionsTest {

    @Test
    void targetsPortDataDirAndOnceAreRead() {
        DevLauncher.Options options = DevLauncher.parse(new String[] {"dev", "--target", "orders=postgresql://backup@db.internal:5433/orders",
                "--target", "crm=postgres://ro@crm/crm", "--port", "9090", "--data-dir", "/tmp/v", "--once"});

        assertThat(options.targets()).containsExactly(
                new TargetOption("orders", "db.internal", 5433, "orders", "backup"),
                new TargetOption("crm", "crm", 5432, "crm", "ro"));
        assertThat(options.port()).isEqualTo(9090);
        assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/v"));
        assertThat(options.once()).isTrue();
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> DevLauncher.parse(new String[] {"--target", "orders=postgresql://backup:hunter2@db/orders"}))
                .hasMessageContaining("never put the password on the command line")
                .hasMessageContaining("PGPASSWORD")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void malformedTargetsSayWhatIsExpected() {
        assertThatThrownBy(() -> DevLauncher.parse(new String[] {"--target", "orders"})).hasMessageContaining("NAME=postgresql://USER@HOST:PORT/DB");
        assertThatThrownBy(() -> DevLauncher.parse(new String[] {"--target", "orders=mysql://a@b/c"})).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> DevLauncher.parse(new String[] {"--target", "demo=postgresql://a@b/c"})).hasMessageContaining("reserved name 'demo'");
        assertThatThrownBy(() -> DevLauncher.parse(new String[] {"--bogus"})).hasMessageContaining("unknown option --bogus");
    }
}
