package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.FreePorts;
import dev.vigil.oidcprovider.TestOpenIdProvider;
import dev.vigil.local.ServiceTestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operations page signed in to with a real OpenID Connect provider (Spring Authorization Server
 * in a context of its own, {@link TestOpenIdProvider}), clicked through in a real headless Chromium
 * against the real scheduler (broker, database): the provider's link on the sign-in page, its login
 * form, back on the page with a session that works as a password user's (who am I, a backup with the
 * CSRF token, signing out); someone the provider gives no role is refused and told which claim to
 * ask for; the password form works beside it.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = "spring.config.name=scheduler-service")
class PageSignInWithOpenIdConnectTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "oidc-test-" + UUID.randomUUID());
    private static final int PORT = FreePorts.next();

    private static TestOpenIdProvider provider;
    private ChromeDriver browser;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        provider = TestOpenIdProvider.start(FreePorts.next(), "http://localhost:" + PORT + "/login/oauth2/code/oidc", Map.of(
                "olga", new TestOpenIdProvider.Person("olga's password", List.of("viewer", "OPERATOR"), "olga.ops"),
                "nemo", new TestOpenIdProvider.Person("nemo's password", null, "nemo")));
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_oidc_test");
        registry.add("server.port", () -> PORT);
        registry.add("vigil.scheduler.storage-url", () -> "http://127.0.0.1:" + FreePorts.next());
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", () -> DIR.resolve("admin-token").toString());
        registry.add("vigil.scheduler.bootstrap-password-file", () -> DIR.resolve("admin-password").toString());
        registry.add("vigil.scheduler.oidc.issuer-uri", provider::issuer);
        registry.add("vigil.scheduler.oidc.client-id", () -> TestOpenIdProvider.CLIENT_ID);
        registry.add("vigil.scheduler.oidc.client-secret", () -> TestOpenIdProvider.CLIENT_SECRET);
        registry.add("vigil.scheduler.oidc.display-name", () -> "Example ID");
        // The provider's own auto-configuration is on the test class path; the scheduler is no provider.
        registry.add("spring.autoconfigure.exclude", () -> "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet."
                + "OAuth2AuthorizationServerAutoConfiguration,org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet."
                + "OAuth2AuthorizationServerJwtAutoConfiguration");
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        assertThat(CHROMIUM).as("Chromium (Debian: apt-get install -y chromium chromium-driver; .ci/run installs it)").exists();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian: apt-get install -y chromium-driver)").exists();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInWithTheProviderAndWorksOnThePageAsTheirClaimsSay() throws Exception {
        signInAtTheProvider("olga", "olga's password");
        waitFor().until(ExpectedConditions.urlToBe(page("/admin/operations")));

        assertThat(fetch("/api/v1/me", "GET", null, false)).as("named by preferred_username; the highest role of the claim's list")
                .startsWith("200 ").contains("\"name\":\"olga.ops\"").contains("\"role\":\"OPERATOR\"");
        assertThat(fetch("/api/v1/targets/orders-db/backups", "POST", "{\"note\": \"signed in with Example ID\"}", false))
                .as("a change without the CSRF token").startsWith("403 ");
        String started = fetch("/api/v1/targets/orders-db/backups", "POST", "{\"note\": \"signed in with Example ID\"}", true);
        assertThat(started).startsWith("202 ");
        String jobId = started.replaceFirst("(?s).*\"jobId\":\"([^\"]+)\".*", "$1");
        assertThat(fetch("/api/v1/jobs/" + jobId, "GET", null, false)).contains("\"requestedBy\":\"olga.ops\"");
        assertThat(fetch("/api/v1/users", "GET", null, false)).as("an operator is no admin").startsWith("403 ");

        assertThat(fetch("/api/v1/targets/orders-db/retention", "GET", null, false))
                .as("passed on to the storage service (down here) with a token of the session's own").startsWith("503 ");
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("olga.ops (operator)");

        browser.findElement(By.id("signout")).click();
        waitFor().until(ExpectedConditions.urlToBe(page("/login?logout")));
        browser.get(page("/admin/operations"));
        waitFor().until(ExpectedConditions.urlToBe(page("/login")));
        assertThat(adminGet("/api/v1/tokens")).as("signing out revoked the session's token, as for a password user")
                .containsPattern("\"name\":\"olga.ops\"[^}]*\"revokedAt\":\"");
    }

    @Test
    void someoneTheProviderGivesNoRoleIsRefusedAndToldWhichClaimToAskFor() {
        signInAtTheProvider("nemo", "nemo's password");

        waitFor().until(ExpectedConditions.urlToBe(page("/login?norole")));
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("Example ID signed you in, but gave you no role in Vigil").contains("vigil_role");
        browser.get(page("/admin/operations"));
        waitFor().until(ExpectedConditions.urlToBe(page("/login")));
        assertThat(fetch("/api/v1/me", "GET", null, false)).as("no session signed in").doesNotContain("nemo");
    }

    @Test
    void thePasswordFormWorksBesideTheProvider() throws Exception {
        browser.get(page("/admin/operations"));
        waitFor().until(ExpectedConditions.urlToBe(page("/login")));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(Files.readString(DIR.resolve("admin-password")).strip());
        browser.findElement(By.id("signin")).click();

        waitFor().until(ExpectedConditions.urlToBe(page("/admin/operations")));
        assertThat(fetch("/api/v1/me", "GET", null, false)).contains("\"name\":\"admin\"").contains("\"role\":\"ADMIN\"");
    }

    /** From the page's sign-in, follows the provider's link and signs in on the provider's own form. */
    private void signInAtTheProvider(String login, String password) {
        browser.get(page("/admin/operations"));
        waitFor().until(ExpectedConditions.urlToBe(page("/login")));
        assertThat(browser.findElement(By.id("provider-signin")).getText()).isEqualTo("Sign in with Example ID");
        browser.findElement(By.id("provider-signin")).click();

        waitFor().until(ExpectedConditions.urlToBe(provider.issuer() + "/login"));
        browser.findElement(By.name("username")).sendKeys(login);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /** A request made by the page's own JavaScript, with its cookies (and the CSRF token from its cookie when asked): "status body". */
    private String fetch(String path, String method, String json, boolean withCsrf) {
        return String.valueOf(((JavascriptExecutor) browser).executeAsyncScript("""
                const [path, method, body, withCsrf, done] = arguments;
                const headers = {'Accept': 'application/json'};
                if (body !== null) { headers['Content-Type'] = 'application/json'; }
                if (withCsrf) {
                  const cookie = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
                  headers['X-XSRF-TOKEN'] = decodeURIComponent(cookie.substring('XSRF-TOKEN='.length));
                }
                fetch(path, {method, headers, body, redirect: 'manual'})
                  .then(r => r.text().then(text => done(r.status + ' ' + text)), e => done('failed ' + e));
                """, path, method, json, withCsrf));
    }

    /** A read with the admin's access token, outside the browser. */
    private static String adminGet(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page(path)))
                .header("Authorization", "Bearer " + Files.readString(DIR.resolve("admin-token")).strip()).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static String page(String path) {
        return "http://localhost:" + PORT + path;
    }
}
