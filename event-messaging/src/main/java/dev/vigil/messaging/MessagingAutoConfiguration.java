package dev.vigil.messaging;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;

/** Provides the {@link EventPublisher} and the {@link TargetSettings} client to every service. */
@AutoConfiguration
@EnableConfigurationProperties(TargetSettingsProperties.class)
public class MessagingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(StreamBridge bridge) {
        return new EventPublisher(bridge);
    }

    @Bean
    @ConditionalOnMissingBean
    TargetSettings targetSettings(@Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers, TargetSettingsProperties properties) {
        return new TargetSettings(brokers, properties.readWait());
    }
}
