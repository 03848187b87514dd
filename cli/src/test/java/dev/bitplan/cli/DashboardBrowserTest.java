package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against the real local stack: a job opened while it runs fills in as its
 * candidates arrive, ends with its Pareto charts, the recommendation selected and its per-layer plan; the list shows
 * it; a second tenant's token sees none of it.
 */
class DashboardBrowserTest {

    private static final Path SAMPLES = StackLayout.repoRoot().resolve("samples/mnist");

    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static String token;
    private static String otherToken;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(StackLayout.repoRoot(), new LocalStack.Settings(dir.resolve("stack"), 0, 0, 0, 1, 1, Duration.ofSeconds(180),
                Duration.ofSeconds(10), false), System.err::println);
        token = LocalTenant.ensure(stack, dir.resolve("stack"), System.err);
        ApiClient admin = new ApiClient(stack.url(), stack.secrets().adminToken());
        String other = admin.postJson("/api/tenants", Map.of("name", "other")).path("id").asText();
        otherToken = admin.postJson("/api/tenants/" + other + "/tokens", Map.of("name", "other")).path("token").asText();
        browser = chromium(dir.resolve("chromium"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** Debian's Chromium and ChromeDriver, headless, with nothing that would reach the network. */
    static WebDriver chromium(Path profile) throws Exception {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions().setBinary(System.getProperty("bitplan.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-quic",
                        "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("bitplan.chromedriver", "/usr/bin/chromedriver")).toFile()).build();
        return new ChromeDriver(service, options);
    }

    @Test
    void aJobPageFillsInWhileTheJobRunsAndShowsItsFrontPlanAndSensitivityAndTheModelPageFlagsARegression() throws Exception {
        JobClient client = new JobClient(new ApiClient(stack.url(), token));
        String version = client.uploadModel(SAMPLES.resolve("resnet8_bn.onnx"), "resnet8_bn").path("versionId").asText();
        String data = client.uploadDataset(SAMPLES.resolve("mnist_test.npz"), "mnist_test").path("id").asText();
        JobSpec spec = new JobSpec(null, null, new SearchBudgets(null, 0.3, null, null, null, null),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), null, 3, 0L, 128, 128, 5, null);
        String id = client.submit(version, data, null, spec).path("id").asText();

        // the page asks for the token once, then shows the job while it runs
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        signIn("/jobs/" + id, token, wait);
        wait.until(d -> d.findElement(By.id("summary")).getText().contains("resnet8_bn"));
        String first = browser.findElement(By.id("summary")).getText();
        assertTrue(!first.contains("DONE"), "opened before the job ended: " + first);

        JsonNode done = client.await(id, System.err, 300_000);
        assertEquals("DONE", done.path("state").asText());
        wait.until(d -> d.findElement(By.id("summary")).getText().contains("DONE"));
        int candidates = new ApiClient(stack.url(), token).get("/api/jobs/" + id + "/candidates").size();
        // every candidate is a point of both scatters; the recommendation is selected, with its per-layer plan
        JavascriptExecutor js = (JavascriptExecutor) browser;
        wait.until(d -> ((Number) js.executeScript("return window.bitplanDashboard ? window.bitplanDashboard.candidates().length : 0"))
                .intValue() == candidates);
        long points = (Long) js.executeScript("return window.bitplanDashboard.charts['by-size'].getOption().series[0].data.length");
        assertEquals(candidates, points);
        String recommended = done.path("recommended").asText();
        String shown = browser.findElement(By.id("candidate-id")).getText();
        assertTrue(shown.startsWith(recommended.substring(recommended.indexOf(':') + 1)), shown + " vs " + recommended);
        js.executeScript("window.scrollTo(0, 0)");
        screenshot("dashboard-job.png"); // the README shows it; to look at when a change of the page is in doubt
        List<WebElement> strip = browser.findElements(By.cssSelector("#strip .cell"));
        assertEquals(10, strip.size(), "one cell per layer of the ResNet-8");
        assertTrue(strip.get(0).getAttribute("title").startsWith("/"), strip.get(0).getAttribute("title"));
        wait.until(d -> d.findElement(By.id("sensitivity")).isDisplayed());
        long bars = (Long) js.executeScript("return window.bitplanDashboard.charts.sens.getOption().xAxis[0].data.length");
        assertEquals(10, bars);
        // layer-wise debugging: every layer's SQNR and ranges; a click draws its histograms with the clipping ranges
        wait.until(d -> d.findElements(By.cssSelector("#ranges-table tbody tr")).size() == 10);
        assertTrue(browser.findElement(By.cssSelector("#ranges-table tbody tr td:nth-child(2)")).getText().endsWith(")"),
                browser.findElement(By.cssSelector("#ranges-table tbody tr")).getText());
        browser.findElement(By.cssSelector("#ranges-table tbody tr")).click();
        wait.until(d -> (Boolean) js.executeScript("return !!window.bitplanDashboard.charts.hist"));
        assertEquals(2L, js.executeScript("return window.bitplanDashboard.charts.hist.getOption().series.length"), "input and output");
        wait.until(d -> d.findElement(By.id("pairs")).isDisplayed());
        assertTrue((Long) js.executeScript("return window.bitplanDashboard.charts.pairs.getOption().series[0].data.length") > 0);

        // clicking another candidate selects it
        js.executeScript("window.bitplanDashboard.select('int8')");
        wait.until(d -> d.findElement(By.id("candidate-id")).getText().startsWith("int8"));
        assertTrue(browser.findElements(By.cssSelector("#strip .cell.w8")).size() == 10, "all 8-bit");

        // the list shows it, filtered by state
        browser.get(stack.url() + "/");
        wait.until(d -> !d.findElements(By.cssSelector("#jobs tbody tr[data-job='" + id + "']")).isEmpty());
        assertEquals("DONE", browser.findElement(By.cssSelector("#jobs tbody tr[data-job='" + id + "'] .state")).getText());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-state"))).selectByVisibleText("FAILED");
        wait.until(d -> d.findElement(By.id("page-info")).getText().equals("no jobs"));
        assertEquals(List.of(), browser.findElements(By.cssSelector("#jobs tbody tr")), browser.findElement(By.id("jobs-error")).getText());

        // a second version that quantizes worse at the same budget (the Fashion-MNIST network, scored on digits) is a regression
        Path fashion = Path.of(System.getProperty("bitplan.fixtures", "../../shared/fixtures"), "fashion/resnet8_fmnist.onnx");
        String v2 = client.uploadModel(fashion, "resnet8_bn").path("versionId").asText();
        assertEquals(v2, client.uploadModel(fashion, "resnet8_bn").path("versionId").asText(), "the same bytes are the same version");
        String second = client.submit(v2, data, null, spec).path("id").asText();
        assertEquals("DONE", client.await(second, System.err, 300_000).path("state").asText());
        browser.get(stack.url() + "/models/resnet8_bn");
        wait.until(d -> d.findElements(By.cssSelector("#versions tbody tr")).size() == 2);
        wait.until(d -> (Boolean) js.executeScript("return !!window.bitplanModel"));
        List<WebElement> regressions = browser.findElements(By.cssSelector("#regressions li"));
        assertEquals(1, regressions.size());
        assertTrue(regressions.get(0).getText().contains("v2"), regressions.get(0).getText());
        assertEquals(2L, js.executeScript("return window.bitplanModel.chart.getOption().series[0].data.length"));
        screenshot("dashboard-model.png");

        // another tenant, in a new session, sees neither the job nor its results
        js.executeScript("sessionStorage.clear()");
        signIn("/jobs/" + id, otherToken, wait);
        wait.until(d -> !d.findElement(By.id("job-error")).getText().isEmpty());
        assertTrue(browser.findElement(By.id("job-error")).getText().contains(id), browser.findElement(By.id("job-error")).getText());
        assertEquals("", browser.findElement(By.id("summary")).getText());
        browser.get(stack.url() + "/");
        wait.until(d -> d.findElement(By.id("page-info")).getText().equals("no jobs"));
        browser.get(stack.url() + "/models/resnet8_bn");
        wait.until(d -> !d.findElement(By.id("model-error")).getText().isEmpty());

        // the submit form: a bad budget is named next to its field; a good job opens its page
        js.executeScript("sessionStorage.clear()");
        signIn("/submit", token, wait);
        wait.until(d -> d.findElements(By.cssSelector("#model-version option")).size() == 3);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("model-version"))).selectByVisibleText("resnet8_bn v1");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("dataset"))).selectByIndex(1);
        browser.findElement(By.id("maxSizeRatio")).sendKeys("-1");
        browser.findElement(By.id("submit")).click();
        WebElement error = wait.until(d -> d.findElement(By.cssSelector("#maxSizeRatio + .field-error")));
        assertTrue(error.getText().contains("maxSizeRatio"), error.getText());
        browser.findElement(By.id("maxSizeRatio")).clear();
        browser.findElement(By.id("maxSizeRatio")).sendKeys("0.5");
        browser.findElement(By.id("candidates")).clear();
        browser.findElement(By.id("candidates")).sendKeys("2");
        browser.findElement(By.id("submit")).click();
        wait.until(d -> d.getCurrentUrl().contains("/jobs/"));
        String submitted = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        assertEquals(0.5, new ApiClient(stack.url(), token).get("/api/jobs/" + submitted).at("/spec/budgets/maxSizeRatio").asDouble());
    }

    /** Saves what the browser shows under target/ (the README's pictures come from there). */
    private static void screenshot(String name) throws java.io.IOException {
        Files.write(Path.of("target", name), ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /** Opens a page in a session without a token: it asks for one; this one is entered. */
    private static void signIn(String page, String apiToken, WebDriverWait wait) {
        browser.get(stack.url() + page);
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("token")).sendKeys(apiToken);
        browser.findElement(By.cssSelector("#login button")).click();
    }
}
