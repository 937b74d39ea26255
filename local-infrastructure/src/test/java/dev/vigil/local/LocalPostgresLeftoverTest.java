package dev.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's owner can die without stopping it (SIGKILL, a closed terminal); starting the cluster
 * again on the same directory must still work.
 */
class LocalPostgresLeftoverTest {

    @TempDir
    Path dir;

    @Test
    void aServerLeftRunningByAKilledOwnerIsStoppedAndTheClusterStartsAgain() throws Exception {
        Process owner = startOwner(dir);
        long serverPid = awaitStarted(owner);
        owner.destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(serverPid)).as("the server outlives its owner").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        try (LocalPostgres again = LocalPostgres.start(dir, FreePorts.next())) {
            again.execute("postgres", "select 1");
            assertThat(again.stoppedLeftover()).isTrue();
        }
        awaitGone(serverPid);
    }

    @Test
    void aPidFileNamingAProcessThatIsGoneOrIsNotTheServerDoesNotStopTheStart() throws Exception {
        Path pidFile = dir.resolve("data/postmaster.pid");
        String leftBehind;
        try (LocalPostgres first = LocalPostgres.start(dir, FreePorts.next())) {
            leftBehind = Files.readString(pidFile);
        }
        awaitGone(Long.parseLong(leftBehind.lines().findFirst().orElseThrow()));
        // The server's process is gone, its lock file still there: PostgreSQL replaces such a file itself.
        Files.writeString(pidFile, leftBehind);
        try (LocalPostgres again = LocalPostgres.start(dir, FreePorts.next())) {
            again.execute("postgres", "select 1");
            assertThat(again.stoppedLeftover()).isFalse();
        }

        // After a crash the server's PID was taken by another process of the server's OS user (one of
        // another user PostgreSQL itself recognises as stale): PostgreSQL alone would refuse to start.
        Process unrelated = new ProcessBuilder("root".equals(System.getProperty("user.name"))
                ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "sleep", "600")
                : List.of("sleep", "600")).start();
        try {
            Files.writeString(pidFile, unrelated.pid() + leftBehind.substring(leftBehind.indexOf('\n')));
            try (LocalPostgres again = LocalPostgres.start(dir, FreePorts.next())) {
                again.execute("postgres", "select 1");
            }
            assertThat(unrelated.isAlive()).as("the process that took the PID is left alone").isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    /** pg_ctl stop returns once the server removed its postmaster.pid, a moment before its process ends. */
    private static void awaitGone(long pid) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty());
    }

    private static Process startOwner(Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                ClusterOwner.class.getName(), dir.toString()).redirectErrorStream(true).start();
    }

    /** Reads the owner's output until it says the server runs; answers the server's PID. */
    private static long awaitStarted(Process owner) throws IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new java.util.ArrayList<>();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("started ")) {
                    // The owner keeps running; its further output is not read, and it writes none.
                    return Long.parseLong(line.substring("started ".length()));
                }
                seen.add(line);
            }
            throw new AssertionError("the owner exited before its cluster started: " + seen);
        }
    }

    /** Starts a cluster in the given directory, says so with the server's PID, and waits to be killed. */
    static final class ClusterOwner {

        public static void main(String[] args) throws Exception {
            LocalPostgres postgres = LocalPostgres.start(Path.of(args[0]), FreePorts.next());
            String pid = Files.readAllLines(Path.of(args[0], "data", "postmaster.pid")).getFirst();
            System.out.println("started " + pid);
            System.out.flush();
            new CountDownLatch(1).await();
            postgres.close();
        }
    }
}
