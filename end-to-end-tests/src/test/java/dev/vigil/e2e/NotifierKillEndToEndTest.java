package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.Arrivals;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.LocalSmtp;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The notifier as a process of its own, from the executable jar the images run, killed with SIGKILL
 * while an incident is open and its alert is still owed to Slack, which refuses it: started again,
 * it sends that alert once, does not send the email again, and a repeat failure joins the open
 * incident without alerting anyone.
 */
class NotifierKillEndToEndTest {

    private static final String TARGET = "nkill-offline";
    private static final String DATABASE = "vigil_nkill";
    private static final List<Process> notifiers = new ArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static JobsApi api;
    private static EmbeddedStack stack;
    private static LocalSmtp smtp;
    private static WebhookReceiver slack;
    private static int notifierPort;
    private static Path tmp;

    @BeforeAll
    static void startStackWithoutNotifier() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase(DATABASE);
        smtp = LocalSmtp.start();
        slack = WebhookReceiver.start();
        slack.answer(503);
        tmp = Path.of(System.getProperty("java.io.tmpdir"));
        // Nothing listens on the target's port: every backup of it fails at DUMP, UNREACHABLE.
        Path targets = Files.writeString(tmp.resolve("nkill-targets.yml"), """
                targets:
                  - {id: %s, host: 127.0.0.1, port: %d, database: gone, username: backup}
                """.formatted(TARGET, FreePorts.next()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password,
                postgres.jdbcUrl(DATABASE), LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "nkill-backups", tmp.resolve("nkill-staging"),
                tmp.resolve("nkill-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(),
                Map.of("vigil.worker.retry.initial-backoff", "200ms")), true, true, false);
        api = new JobsApi(stack);
        notifierPort = FreePorts.next();
    }

    @AfterAll
    static void stopEverything() {
        notifiers.forEach(Process::destroyForcibly);
        if (stack != null) {
            stack.close();
        }
        if (api != null) {
            api.close();
        }
        smtp.close();
        slack.close();
        http.close();
    }

    @Test
    void aNotifierKilledWithAnAlertOwedSendsItOnceAfterItsRestartAndARepeatFailureJoinsTheIncidentSilently() throws Exception {
        Process first = startNotifier("nkill-1");
        ServiceProcesses.awaitGroupMember(first, log("nkill-1"), "notifier-service", "nkill-1", Duration.ofSeconds(120));
        String firstJob = api.requestBackup(TARGET);
        assertThat(api.awaitFinal(firstJob, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("FAILED");

        Arrivals.of("emails for " + firstJob, () -> mails(firstJob)).arriveWithin(Duration.ofSeconds(30), 1);
        await("Slack refusing the alert").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> slack.refused() >= 1);
        // The email's delivery is recorded, not only sent: a kill between a channel's answer and its record may send it again (documented).
        await("the email recorded as sent, the Slack message owed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> deliveries("email", true) == 1 && deliveries("slack", false) == 1);
        JsonNode before = openIncident();
        assertThat(before.get("kind").asString()).isEqualTo("BACKUP_FAILING");
        assertThat(before.get("firstJobId").asString()).isEqualTo(firstJob);
        assertThat(before.get("jobs").asInt()).isEqualTo(1);

        first.destroyForcibly().waitFor();
        slack.answer(200);
        Process second = startNotifier("nkill-2");
        ServiceProcesses.awaitGroupMember(second, log("nkill-2"), "notifier-service", "nkill-2", Duration.ofSeconds(120));

        WebhookReceiver.Received post = Arrivals.of("Slack posts for " + firstJob, () -> posts(firstJob))
                .arriveWithin(Duration.ofSeconds(30), 1).getFirst();
        // A second copy of the owed alert would follow the first within moments: deliveries run every 200 ms.
        Arrivals.of("alerts about " + TARGET, () -> alerts(TARGET)).noMoreArriveWithin(Duration.ofSeconds(3));
        assertThat(posts(firstJob)).as("Slack posts for the job").hasSize(1);
        assertThat(post.body()).contains(TARGET).contains("could not connect");
        assertThat(mails(firstJob)).as("emails for the job, sent before the kill").hasSize(1);

        String secondJob = api.requestBackup(TARGET);
        assertThat(api.awaitFinal(secondJob, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("FAILED");
        JsonNode after = await("the second failure joining the incident").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(NotifierKillEndToEndTest::openIncident, incident -> incident.get("jobs").asInt() == 2);
        // Anything the join owed was written with it, and would go out within a delivery interval.
        Arrivals.of("alerts about " + TARGET, () -> alerts(TARGET)).noMoreArriveWithin(Duration.ofSeconds(3));
        assertThat(posts(TARGET)).as("Slack posts about the target").hasSize(1);
        assertThat(mails(TARGET)).as("emails about the target").hasSize(1);
        assertThat(after.get("id").asString()).as("the incident open before the kill").isEqualTo(before.get("id").asString());
        assertThat(after.get("state").asString()).isEqualTo("OPEN");
        assertThat(after.get("lastJobId").asString()).isEqualTo(secondJob);
    }

    private static Process startNotifier(String clientId) throws IOException {
        LocalPostgres postgres = LocalPostgres.shared();
        String consumer = "--spring.cloud.stream.kafka.bindings.monitor-in-0.consumer.configuration.";
        ProcessBuilder builder = ServiceProcesses.java("notifier-service", log(clientId), List.of(
                "--spring.datasource.url=" + postgres.jdbcUrl(DATABASE), "--spring.datasource.username=" + LocalPostgres.SUPERUSER,
                // The incidents API on a port the test knows, the same for both runs.
                "--server.port=" + notifierPort,
                "--vigil.notifier.delivery-interval=200ms",
                // Notice a dead notifier within seconds, not the default 45.
                consumer + "session.timeout.ms=8000", consumer + "heartbeat.interval.ms=2000",
                // Its consumers' client ids, so the test sees when it has joined the group.
                consumer + "client.id=" + clientId));
        // The webhook URL is a secret: by environment, never in the arguments.
        builder.environment().put("VIGIL_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/nkill"));
        builder.environment().put("VIGIL_ALERT_EMAIL_TO", "oncall@example.com");
        builder.environment().put("VIGIL_SMTP_HOST", smtp.host());
        builder.environment().put("VIGIL_SMTP_PORT", String.valueOf(smtp.port()));
        builder.environment().put("VIGIL_NOTIFIER_DELIVERY_MAX_BACKOFF", "1s");
        Process process = builder.start();
        notifiers.add(process);
        return process;
    }

    private static Path log(String clientId) {
        return tmp.resolve(clientId + ".log");
    }

    /** The target's one open incident, as the notifier's API lists it. */
    private static JsonNode openIncident() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + notifierPort + "/api/v1/incidents?state=open&target=" + TARGET))
                        .header("Authorization", "Bearer " + stack.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode open = EventJson.mapper().readTree(response.body());
        assertThat(open.size()).as("open incidents of %s: %s", TARGET, open).isEqualTo(1);
        return open.get(0);
    }

    /** Messages to the channel for the target recorded as sent ({@code sent}), or owed after at least one refusal. */
    private static long deliveries(String channel, boolean sent) throws Exception {
        try (var connection = LocalPostgres.shared().connect(DATABASE);
                var statement = connection.prepareStatement("select count(*) from notifier.deliveries where channel = ? "
                        + "and notice ->> 'targetId' = ? and " + (sent ? "sent_at is not null" : "sent_at is null and attempts > 0"))) {
            statement.setString(1, channel);
            statement.setString(2, TARGET);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<WebhookReceiver.Received> posts(String containing) {
        return slack.received().stream().filter(r -> r.body().contains(containing)).toList();
    }

    private static List<MimeMessage> mails(String containing) {
        return smtp.messages().stream().filter(m -> LocalSmtp.text(m).contains(containing)).toList();
    }

    private static List<Object> alerts(String containing) {
        return Stream.concat(posts(containing).stream(), mails(containing).stream()).map(Object.class::cast).toList();
    }
}
