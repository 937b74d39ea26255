package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operations page in a real headless Chromium against the whole stack, as an operator uses it:
 * sign in, start a backup with a note, watch its bar move until VERIFIED, open it from the keyboard;
 * register a dump made outside Vigil and update it with its artifact URL until it is verified; run a
 * dry run; a viewer sees no button that changes anything, and the API refuses them anyway.
 */
class OperationsPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static EmbeddedStack stack;
    private WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Chromium (Debian: apt-get install -y chromium chromium-driver; .ci/run installs it)").exists();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian: apt-get install -y chromium-driver)").exists();
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_page");
        DemoDatabase.load(postgres, "shop_page");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("page-targets.yml"), """
                targets:
                  - id: shop
                    host: 127.0.0.1
                    port: %d
                    database: shop_page
                    username: postgres
                """.formatted(postgres.port()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password,
                postgres.jdbcUrl("vigil_page"), LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "page-backups", tmp.resolve("page-staging"),
                tmp.resolve("page-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(),
                Map.of("vigil.storage.object-lock-mode", "OFF")));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInStartsABackupWithANoteAndWatchsItsBarMoveUntilVerified() throws Exception {
        signIn("admin", Files.readString(stack.adminPasswordFile()).strip());
        WebElement newBackup = waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action=backup][data-target=shop]")));

        newBackup.click();
        WebElement note = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("backup-note")));
        note.sendKeys("before the billing migration");
        browser.findElement(By.id("backup-start")).click();

        WebElement row = waitFor().until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='jobs']//tr[td[@class='note' and text()='before the billing migration']]")));
        String jobId = row.getAttribute("data-job");
        Set<String> seen = new LinkedHashSet<>();
        String last = await("job " + jobId + " finished on the page").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(150))
                .until(() -> {
                    // Read in one step in the page: the table is redrawn every second, so an element found a moment ago may be gone.
                    String shown = String.valueOf(((JavascriptExecutor) browser).executeScript("""
                            const row = document.querySelector("tr[data-job='" + arguments[0] + "']");
                            return row ? row.querySelector('td.status').textContent + ' ' + row.querySelector('[role=progressbar]').getAttribute('aria-valuenow') : '';""",
                            jobId));
                    seen.add(shown);
                    return shown;
                }, shown -> List.of("VERIFIED", "FAILED", "INCONCLUSIVE").contains(shown.split(" ")[0]));
        String status = last.split(" ")[0];
        assertThat(status).as("seen: %s", seen).isEqualTo("VERIFIED");
        assertThat(seen).as("the bar moved without reloading the page").hasSizeGreaterThan(1).last().asString().startsWith("VERIFIED 100");

        pressEnterOn(By.cssSelector("tr[data-job='" + jobId + "']"));
        WebElement details = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("job-body")));
        waitFor().until(ExpectedConditions.textToBePresentInElement(details, "Verdict PASSED"));
        assertThat(details.getText()).contains("before the billing migration").contains("shop.customers").contains("Trace id");
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#targets tr[data-target=shop]"), "PASSED"));

        // The README's picture of the page (docs/operations-page.png is a copy of one such run's).
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Path screenshot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(screenshot, Path.of("target", "operations-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anOperatorRegistersAnExternalBackupUpdatesItWithItsArtifactUrlAndSeesItVerifiedThenDryRunsTheTarget() throws Exception {
        // The runbook's outside dump: plain pg_dump -Fc, uploaded to the bucket's incoming/ prefix.
        Path dump = Files.createTempFile("page-outside", ".dump");
        Process pgDump = new ProcessBuilder(LocalPostgres.shared().binDir().resolve("pg_dump").toString(), "-Fc", "-h", LocalPostgres.shared().host(),
                "-p", String.valueOf(LocalPostgres.shared().port()), "-U", LocalPostgres.SUPERUSER, "-f", dump.toString(), "shop_page")
                .redirectErrorStream(true).start();
        String pgDumpOutput = new String(pgDump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(pgDump.waitFor()).as(pgDumpOutput).isZero();
        String key = "incoming/page-" + java.util.UUID.randomUUID() + ".dump";
        LocalS3.shared().client().putObject(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket("page-backups").key(key).build(),
                software.amazon.awssdk.core.sync.RequestBody.fromFile(dump));

        signIn("admin", Files.readString(stack.adminPasswordFile()).strip());
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#targets tr[data-target=shop] button[data-action=register]"))).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("backup-note"))).sendKeys("exported by CI");
        assertThat(browser.findElement(By.id("backup-start")).getText()).isEqualTo("Register");
        browser.findElement(By.id("backup-start")).click();

        WebElement url = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("report-url")));
        String jobId = browser.findElement(By.id("job-title")).getText().replace("Job ", "");
        url.sendKeys("s3://page-backups/" + key);
        browser.findElement(By.id("report-send")).click();

        String status = await("the registered job verified on the page").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> statusShown(jobId), shown -> List.of("VERIFIED", "FAILED", "INCONCLUSIVE").contains(shown));
        assertThat(status).as(String.valueOf(((JavascriptExecutor) browser).executeScript("return document.getElementById('message').textContent")))
                .isEqualTo("VERIFIED");
        WebElement details = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("job-body")));
        waitFor().until(ExpectedConditions.textToBePresentInElement(details, "Verdict RESTORED"));
        assertThat(details.getText()).contains("nothing to compare").contains("s3://page-backups/" + key).contains("exported by CI");

        browser.findElement(By.cssSelector("#targets tr[data-target=shop] button[data-action=dry-run]")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("backup-start")));
        assertThat(browser.findElement(By.id("backup-start")).getText()).isEqualTo("Start dry run");
        browser.findElement(By.id("backup-start")).click();
        String dryRun = waitFor().until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                "//table[@id='jobs']//tr[td[@class='status' and starts-with(text(), 'DRY_RUN')]]"))).getAttribute("data-job");
        String dryRunStatus = await("the dry run's checks on the page").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> statusShown(dryRun), shown -> shown.equals("DRY_RUN_PASSED") || shown.equals("DRY_RUN_FAILED"));
        pressEnterOn(By.cssSelector("tr[data-job='" + dryRun + "']"));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("job-body"), "Dry run checks"));
        assertThat(dryRunStatus).as(browser.findElement(By.id("job-body")).getText()).isEqualTo("DRY_RUN_PASSED");
        assertThat(browser.findElement(By.id("job-body")).getText()).contains("Dump worker: every check passed", "Storage service: every check passed",
                "Verifier: every check passed", "privileges");
    }

    /** The status a job's row shows now, read in one step in the page (the table is redrawn every second); empty while not listed. */
    private String statusShown(String jobId) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript("""
                const row = document.querySelector("tr[data-job='" + arguments[0] + "']");
                return row ? row.querySelector('td.status').textContent : '';""", jobId));
    }

    @Test
    void aViewerSeesNoButtonThatChangesAnythingAndTheApiRefusesThemAnyway() throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + stack.schedulerPort() + "/api/v1/users"))
                .header("Authorization", "Bearer " + stack.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"vera\", \"password\": \"a viewer's long password\", \"role\": \"VIEWER\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isIn(201, 409);

        signIn("vera", "a viewer's long password");
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#targets tr[data-target=shop]")));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "vera (viewer)"));

        assertThat(browser.findElements(By.cssSelector("button[data-action=backup], button[data-action=dry-run], button[data-action=register], "
                + "button[data-action=restore]"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("button[data-action=retention]"))).isNotEmpty();
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const csrf = decodeURIComponent((document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN=')) || '=').split('=')[1]);
                fetch('/api/v1/targets/shop/backups', {method: 'POST', headers: {'X-XSRF-TOKEN': csrf, 'Content-Type': 'application/json'}, body: '{}'})
                  .then((r) => done(r.status), (e) => done(String(e)));""");
        assertThat(status).isEqualTo(403L);
    }

    private void signIn(String username, String password) {
        browser.get("http://localhost:" + stack.schedulerPort() + "/admin/operations");
        waitFor().until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("signin")).click();
        waitFor().until(ExpectedConditions.urlContains("/admin/operations"));
    }

    /** Presses Enter on an element of the jobs table, found again if the page redrew it meanwhile. */
    private void pressEnterOn(By row) {
        for (int attempt = 1; ; attempt++) {
            try {
                browser.findElement(row).sendKeys(Keys.ENTER);
                return;
            } catch (StaleElementReferenceException redrawn) {
                if (attempt == 5) {
                    throw redrawn;
                }
            }
        }
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }
}
