package dev.vigil.security;

import dev.vigil.contracts.Role;
import dev.vigil.messaging.BrokerSignIn;
import dev.vigil.messaging.outbox.Outbox;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every HTTP endpoint of the service behind a bearer access token: reads need a viewer, anything
 * else an admin, unless the service's {@link AccessRule} beans say otherwise; the health probes and
 * Prometheus scraping answer without one only where {@link SecurityProperties} says so. Stateless:
 * no session, no cookie, so no CSRF token either, unless the service serves pages and adds a
 * {@link BrowserSignIn} (a session and CSRF protection for browsers only).
 */
@AutoConfiguration(afterName = "dev.vigil.messaging.outbox.OutboxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class WebSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(TokenVerifier.class)
    AccessGrants accessGrants(BrokerSignIn signIn, SecurityProperties properties) {
        return new AccessGrants(signIn.clientProperties(), properties.grantsReadWait());
    }

    @Bean
    @ConditionalOnMissingBean
    TokenIntrospector tokenIntrospector(TokenVerifier verifier) {
        return new TokenIntrospector(verifier, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean(name = "apiSecurity")
    SecurityFilterChain apiSecurity(HttpSecurity http, TokenIntrospector introspector, SecurityProperties properties, List<AccessRule> rules,
            Environment environment, ObjectProvider<Outbox> outbox, ObjectProvider<PlatformTransactionManager> transactions, Tracer tracer,
            ObjectProvider<BrowserSignIn> browsers) throws Exception {
        BrowserSignIn browser = browsers.getIfAvailable();
        ProblemAnswers answers = new ProblemAnswers(browser == null ? null : browser.loginPage());
        PlatformTransactionManager manager = transactions.getIfAvailable();
        RequestAudit audit = new RequestAudit(environment.getRequiredProperty("spring.application.name"), outbox.getIfAvailable(),
                manager == null ? null : new TransactionTemplate(manager), tracer);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .oauth2ResourceServer(server -> server.opaqueToken(token -> token.introspector(introspector))
                        .authenticationEntryPoint(answers).accessDeniedHandler(answers))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(answers).accessDeniedHandler(answers))
                .addFilterAfter(audit, BearerTokenAuthenticationFilter.class);
        if (browser != null) {
            browser.configure(http);
        }
        http.authorizeHttpRequests(requests -> {
                    if (properties.openHealth()) {
                        requests.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                                .permitAll();
                    }
                    if (properties.openMetrics()) {
                        requests.requestMatchers(HttpMethod.GET, "/actuator/prometheus").permitAll();
                    }
                    // Spring MVC's error page: reached only by forwarding a request that was itself checked.
                    requests.requestMatchers("/error").permitAll();
                    for (AccessRule rule : rules) {
                        requests.requestMatchers(rule.method(), rule.pattern()).hasRole(rule.role().name());
                    }
                    requests.requestMatchers(HttpMethod.GET).hasRole(Role.VIEWER.name())
                            .requestMatchers(HttpMethod.HEAD).hasRole(Role.VIEWER.name())
                            .anyRequest().hasRole(Role.ADMIN.name());
                });
        return http.build();
    }
}
