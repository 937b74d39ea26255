package dev.vigil.messaging;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * How this service's Kafka clients reach and sign in to the broker: the binder's brokers and its
 * {@code configuration} map (security protocol, SASL settings, TLS), so clients made outside the
 * binder (the target settings reader) sign in exactly as the binder's do. Checked when the service
 * starts: a service that would sign in without a password stops with what to set, instead of
 * retrying refused connections.
 */
public final class BrokerSignIn {

    private static final Logger log = LoggerFactory.getLogger(BrokerSignIn.class);
    static final String CONFIGURATION = "spring.cloud.stream.kafka.binder.configuration";

    private final Map<String, Object> clientProperties;

    private BrokerSignIn(Map<String, Object> clientProperties) {
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** Reads and checks the settings; throws {@link IllegalStateException} saying what to set when they cannot work. */
    public static BrokerSignIn from(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> configuration = binder.bind(CONFIGURATION, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        String protocol = configuration.getOrDefault("security.protocol", "PLAINTEXT");
        String username = environment.getProperty("vigil.kafka.username", "");
        String password = environment.getProperty("vigil.kafka.password", "");
        if (protocol.startsWith("SASL")) {
            if (username.isBlank()) {
                throw new IllegalStateException("vigil.kafka.username is empty: set VIGIL_KAFKA_USERNAME to the principal this service "
                        + "signs in to the Kafka broker as (by default the service's name)");
            }
            if (password.isEmpty()) {
                throw new IllegalStateException("this service signs in to the Kafka broker as '" + username + "' (" + protocol
                        + ", SCRAM-SHA-512) but vigil.kafka.password is empty: set VIGIL_KAFKA_PASSWORD to that principal's password "
                        + "(./vigil dev does this itself; see SECURITY.md for creating the principals)");
            }
            if (password.contains("\"") || password.contains("\\") || username.contains("\"") || username.contains("\\")) {
                throw new IllegalStateException("the Kafka username or password of '" + username.replace("\"", "") + "' contains a "
                        + "double quote or a backslash, which the sign-in settings cannot carry: choose a password without them");
            }
        } else {
            log.warn("this service reaches the Kafka broker over {} without signing in: anyone who reaches the broker can forge its "
                    + "events; set VIGIL_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL and a password (SECURITY.md)", protocol);
        }
        Map<String, Object> properties = new HashMap<>(configuration);
        properties.put("bootstrap.servers", environment.getRequiredProperty("spring.cloud.stream.kafka.binder.brokers"));
        return new BrokerSignIn(properties);
    }

    /** Settings for a Kafka client of this service: bootstrap servers and sign-in. Holds the password: never log it. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    @Override
    public String toString() {
        return "BrokerSignIn[" + clientProperties.get("bootstrap.servers") + "]";
    }
}
