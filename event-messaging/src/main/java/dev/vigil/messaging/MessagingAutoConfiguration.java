package dev.vigil.messaging;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

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
    BrokerSignIn brokerSignIn(Environment environment) {
        return BrokerSignIn.from(environment);
    }

    @Bean
    @ConditionalOnMissingBean
    TargetSettings targetSettings(BrokerSignIn signIn, TargetSettingsProperties properties) {
        return new TargetSettings(signIn.clientProperties(), properties.readWait());
    }
}
