package dev.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Each part answers a real client of its protocol. */
class LocalInfrastructureTest {

    @Test
    void theKafkaBrokerDeliversWhatWasProduced() {
        LocalKafka kafka = LocalKafka.shared();
        try (var producer = new KafkaProducer<String, String>(kafka.clientProperties(LocalKafka.ADMIN),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("infra-check", "orders-db", "hello")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (var consumer = new KafkaConsumer<String, String>(withGroup(kafka.clientProperties(LocalKafka.ADMIN)),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("infra-check"));
            List<String> received = new ArrayList<>();
            List<String> records = Arrivals.of("records on infra-check", () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.key() + "=" + r.value()));
                return received;
            }).arriveWithin(Duration.ofSeconds(20), 1);
            assertThat(records).containsExactly("orders-db=hello");
        }
    }

    @Test
    void aBrokerStoppedAndRestartedInPlaceKeepsItsPortRecordsAndCredentials() {
        try (LocalKafka kafka = LocalKafka.start()) {
            KafkaProbe.send(kafka.clientProperties(LocalKafka.ADMIN), "restart-check", "before", "kept");
            kafka.stop();
            assertThat(kafka.running()).isFalse();
            kafka.restart();
            KafkaProbe.send(kafka.clientProperties(LocalKafka.ADMIN), "restart-check", "after", "sent");
            try (KafkaProbe probe = new KafkaProbe(kafka.clientProperties(LocalKafka.ADMIN), "restart-check")) {
                assertThat(probe.arrivals("records on restart-check", r -> true).arriveWithin(Duration.ofSeconds(30), 2))
                        .extracting(KafkaProbe.Seen::key).containsExactlyInAnyOrder("before", "after");
            }
        }
    }

    @Test
    void thePostgresClusterRunsSqlInADatabaseOfItsOwn() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("infra_check");
        postgres.execute("infra_check", "create table t(x int); insert into t values (1), (2), (3)");

        try (Connection connection = postgres.connect("infra_check");
                ResultSet rows = connection.createStatement().executeQuery("select count(*) from t")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(3);
        }
    }

    @Test
    void theS3EndpointStoresAndReturnsAnObject() {
        LocalS3 s3 = LocalS3.shared();
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .forcePathStyle(true)
                .region(Region.of(LocalS3.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
                .build()) {
            client.createBucket(b -> b.bucket("infra-check"));
            client.putObject(b -> b.bucket("infra-check").key("a/b.txt"), RequestBody.fromString("stored"));

            assertThat(client.getObjectAsBytes(b -> b.bucket("infra-check").key("a/b.txt")).asUtf8String()).isEqualTo("stored");
        }
    }

    @Test
    void theSmtpServerKeepsTheMessagesItAccepts() throws Exception {
        try (LocalSmtp smtp = LocalSmtp.start()) {
            GreenMailUtil.sendTextEmail("oncall@example.com", "vigil@example.com", "backup failed", "orders-db",
                    new ServerSetup(smtp.port(), smtp.host(), ServerSetup.PROTOCOL_SMTP));

            assertThat(Arrivals.of("messages", smtp::messages).arriveWithin(Duration.ofSeconds(10), 1)).singleElement()
                    .satisfies(m -> assertThat(m.getSubject()).isEqualTo("backup failed"));
        }
    }

    @Test
    void theWebhookReceiverRecordsWhatWasPosted() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(); HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(receiver.url("/services/T1/B2/x")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Arrivals.of("requests", receiver::received).arriveWithin(Duration.ofSeconds(5), 1)).singleElement()
                    .satisfies(r -> assertThat(r.path() + " " + r.body()).isEqualTo("/services/T1/B2/x {\"text\":\"hi\"}"));
        }
    }

    private static Map<String, Object> withGroup(Map<String, Object> client) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.put("group.id", "infra-check");
        settings.put("auto.offset.reset", "earliest");
        return settings;
    }
}
