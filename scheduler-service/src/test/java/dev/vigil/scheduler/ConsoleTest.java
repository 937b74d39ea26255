package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.ServiceTestSettings;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The operations page's sign-in on the real scheduler, as a browser meets it over HTTP: the login
 * form, the session, the CSRF token on changes, users an admin creates, and the page's overview.
 * (Clicking through the page itself, in Chromium, is in the end-to-end tests.)
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class ConsoleTest {

    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "console-test-" + UUID.randomUUID());
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_console_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", () -> DIR.resolve("admin-token").toString());
        registry.add("vigil.scheduler.bootstrap-password-file", () -> DIR.resolve("admin-password").toString());
    }

    /** A browser: its own cookies, following no redirects, so each answer can be looked at. */
    private final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(url(path)).header("Accept", "text/html,application/json").build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> signIn(String username, String password) throws Exception {
            String login = get("/login").body();
            Matcher field = CSRF_FIELD.matcher(login);
            assertThat(field.find()).as("the login form carries a CSRF token: %s", login).isTrue();
            String csrf = field.group(1) != null ? field.group(1) : field.group(2);
            String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
            return http.send(HttpRequest.newBuilder(url("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String json, boolean withCsrf) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (withCsrf) {
                request.header("X-XSRF-TOKEN", cookies.getCookieStore().get(url("/")).stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                        .map(HttpCookie::getValue).findFirst().orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie")));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aBrowserIsSentToSignInAndThenWorksOnThePageWithItsSessionAndACsrfTokenForEachChange() throws Exception {
        assertThat(Files.getPosixFilePermissions(DIR.resolve("admin-password"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Browser browser = new Browser();

        HttpResponse<String> page = browser.get("/admin/operations");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(browser.get("/login").body()).as("no OpenID Connect provider set: passwords only").doesNotContain("provider-signin");
        assertThat(browser.signIn("admin", "not the password").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));

        HttpResponse<String> signedIn = browser.signIn("admin", Files.readString(DIR.resolve("admin-password")).strip());
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/operations"));
        HttpResponse<String> shown = browser.get("/admin/operations");
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("<title>Vigil operations</title>").doesNotContain("https://");
        assertThat(browser.get("/admin/operations.js").statusCode()).isEqualTo(200);
        assertThat(json(browser.get("/api/v1/me")).get("name").asString()).isEqualTo("admin");

        assertThat(browser.post("/api/v1/targets/orders-db/backups", "{\"note\": \"from the page\"}", false).statusCode())
                .as("a change without the CSRF token is refused").isEqualTo(403);
        HttpResponse<String> started = browser.post("/api/v1/targets/orders-db/backups", "{\"note\": \"from the page\"}", true);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(json(browser.get("/api/v1/jobs/" + json(started).get("jobId").asString())).get("requestedBy").asString()).isEqualTo("admin");
    }

    @Test
    void aViewerAnAdminCreatesSignsInButMayNotStartABackup() throws Exception {
        Browser admin = new Browser();
        admin.signIn("admin", Files.readString(DIR.resolve("admin-password")).strip());
        admin.get("/api/v1/me");
        HttpResponse<String> created = admin.post("/api/v1/users", "{\"username\": \"vera\", \"password\": \"correct horse battery\", \"role\": \"VIEWER\"}", true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("correct horse");
        assertThat(admin.post("/api/v1/users", "{\"username\": \"vera\", \"password\": \"another long one\", \"role\": \"VIEWER\"}", true).statusCode())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/users", "{\"username\": \"shorty\", \"password\": \"short\", \"role\": \"VIEWER\"}", true).statusCode())
                .isEqualTo(400);

        Browser viewer = new Browser();
        viewer.signIn("vera", "correct horse battery");
        assertThat(json(viewer.get("/api/v1/me")).get("role").asString()).isEqualTo("VIEWER");
        assertThat(viewer.post("/api/v1/targets/orders-db/backups", "{}", true).statusCode()).isEqualTo(403);
        assertThat(viewer.get("/api/v1/users").statusCode()).as("users are an admin's business").isEqualTo(403);
    }

    @Test
    void afterFiveWrongPasswordsTheRightOneIsRefusedToo() throws Exception {
        Browser admin = new Browser();
        admin.signIn("admin", Files.readString(DIR.resolve("admin-password")).strip());
        admin.get("/api/v1/me");
        assertThat(admin.post("/api/v1/users", "{\"username\": \"guessed\", \"password\": \"the right password\", \"role\": \"VIEWER\"}", true)
                .statusCode()).isEqualTo(201);

        for (int i = 0; i < 5; i++) {
            new Browser().signIn("guessed", "guess number " + i);
        }
        HttpResponse<String> right = new Browser().signIn("guessed", "the right password");

        assertThat(right.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
    }

    @Test
    void theOverviewShowsEveryTargetsHealthAgainstItsFreshnessLimitAndItsNextRun() throws Exception {
        String token = Files.readString(DIR.resolve("admin-token")).strip();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url("/api/v1/overview"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode orders = null;
        for (JsonNode target : json(response).get("targets")) {
            if (target.get("targetId").asString().equals("orders-db")) {
                orders = target;
            }
        }
        assertThat(orders).as(response.body()).isNotNull();
        assertThat(orders.get("freshnessLimitSeconds").asLong()).as("monitoring.freshness: 30h in the targets file").isEqualTo(30 * 3600);
        assertThat(orders.get("health").asString()).as("never verified").isEqualTo("red");
        assertThat(orders.get("nextRun").asString()).isNotBlank();
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return EventJson.mapper().readTree(response.body());
    }
}
