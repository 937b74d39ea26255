package dev.vigil.messaging;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Starts a Vigil service with its own configuration file name ({@code <service>.yml} instead of
 * {@code application.yml}), so all five services can share one classpath, as they do in the
 * embedded default and the end-to-end tests.
 */
public final class VigilApplication {

    private VigilApplication() {
    }

    public static SpringApplicationBuilder builder(Class<?> application, String serviceName) {
        return new SpringApplicationBuilder(application)
                .properties("spring.config.name=" + serviceName, "spring.application.name=" + serviceName);
    }
}
