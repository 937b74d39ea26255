package dev.vigil.local;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a service under test at the shared local infrastructure; for {@code @DynamicPropertySource} methods. */
public final class ServiceTestSettings {

    private ServiceTestSettings() {
    }

    /** The shared broker, signed in to as the service (its principal is its name: {@code BrokerRights.SERVICES}). */
    public static void kafka(DynamicPropertyRegistry registry, String service) {
        registry.add("spring.cloud.stream.kafka.binder.brokers", () -> LocalKafka.shared().bootstrapServers());
        registry.add("vigil.kafka.username", () -> service);
        registry.add("vigil.kafka.password", () -> LocalKafka.shared().password(service));
    }

    /** The shared broker signed in to as the service, and a database of the test's own in the shared cluster for its tables. */
    public static void kafkaAndDatabase(DynamicPropertyRegistry registry, String service, String database) {
        kafka(registry, service);
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(database);
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl(database));
        registry.add("spring.datasource.username", () -> LocalPostgres.SUPERUSER);
    }

    /** The shared S3 endpoint's credentials, where the AWS SDK's default chain finds them. */
    public static void s3Credentials() {
        System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
    }
}
