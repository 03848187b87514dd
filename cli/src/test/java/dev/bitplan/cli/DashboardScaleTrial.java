package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.search.SearchBudgets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The job page of a big job: the synthetic 300-layer MLP searched through the real local stack for 30 candidates,
 * then opened in headless Chromium, timing how long the page takes to draw everything and to select a candidate.
 * A real search of 300 layers takes minutes on 2 cores, too long for CI: run on request with
 * {@code -Dbitplan.scale-trial=true}; the figures go to the README ("The dashboard").
 */
class DashboardScaleTrial {

    @TempDir
    Path dir;

    @Test
    void aJobWith300LayersAnd30CandidatesStaysUsable() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bitplan.scale-trial"), "run with -Dbitplan.scale-trial=true");
        Cli.Run mlp = Cli.run("bench", "synthetic-mlp", "--layers", "300", "--samples", "512", "--to", dir.toString());
        assertEquals(0, mlp.exit(), mlp.err());
        try (LocalStack stack = LocalStack.start(StackLayout.repoRoot(), new LocalStack.Settings(dir.resolve("stack"), 0, 0, 0, 1, 1,
                Duration.ofSeconds(180), Duration.ofSeconds(10), false), System.err::println)) {
            String token = LocalTenant.ensure(stack, dir.resolve("stack"), System.err);
            JobClient client = new JobClient(new ApiClient(stack.url(), token));
            String version = client.uploadModel(dir.resolve("mlp300.onnx"), "mlp300").path("versionId").asText();
            String data = client.uploadDataset(dir.resolve("mlp300.npz"), "mlp300").path("id").asText();
            // static activations, so that every layer has calibrated ranges and the debugging table has 300 rows too
            JobSpec spec = new JobSpec(null, null, new SearchBudgets(null, 0.5, null, null, null, null), null,
                    dev.bitplan.contracts.plan.QuantizationOptions.defaults().withActivationMode(dev.bitplan.contracts.plan.ActivationMode.STATIC),
                    40, 0L, 64, 32, 3, null); // 40 budgets: some repeat a plan, and at least 30 distinct candidates remain
            long t0 = System.nanoTime();
            String id = client.submit(version, data, null, spec).path("id").asText();
            assertEquals("DONE", client.await(id, System.err, 60 * 60_000L).path("state").asText());
            System.err.printf("scale trial: job of 300 layers done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            int candidates = client.api().get("/api/jobs/" + id + "/candidates").size();
            assertTrue(candidates >= 30, candidates + " candidates");

            WebDriver browser = DashboardBrowserTest.chromium(dir.resolve("chromium"));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                browser.get(stack.url() + "/jobs/" + id);
                wait.until(d -> d.findElement(By.id("login")).isDisplayed());
                browser.findElement(By.id("token")).sendKeys(token);
                long open = System.nanoTime();
                browser.findElement(By.cssSelector("#login button")).click();
                JavascriptExecutor js = (JavascriptExecutor) browser;
                try {
                    wait.until(d -> ((Number) js.executeScript("return window.bitplanDashboard ? window.bitplanDashboard.candidates().length : 0"))
                            .intValue() == candidates);
                    wait.until(d -> browser.findElements(By.cssSelector("#strip .cell")).size() == 300);
                    wait.until(d -> browser.findElements(By.cssSelector("#ranges-table tbody tr")).size() == 300);
                } catch (org.openqa.selenium.TimeoutException e) {
                    throw new AssertionError("after " + (System.nanoTime() - open) / 1_000_000_000 + " s: candidates "
                            + js.executeScript("return window.bitplanDashboard ? window.bitplanDashboard.candidates().length : -1") + " of "
                            + candidates + ", strip cells " + browser.findElements(By.cssSelector("#strip .cell")).size()
                            + ", range rows " + browser.findElements(By.cssSelector("#ranges-table tbody tr")).size() + ", errors: "
                            + browser.findElement(By.id("job-error")).getText() + " / console: "
                            + browser.manage().logs().get("browser").getAll(), e);
                }
                double drawn = (System.nanoTime() - open) / 1e9;
                long points = (Long) js.executeScript("return window.bitplanDashboard.charts['by-size'].getOption().series[0].data.length");
                assertEquals(candidates, points);
                long bars = (Long) js.executeScript("return window.bitplanDashboard.charts.sens.getOption().xAxis[0].data.length");
                assertEquals(300, bars);
                Boolean scrolls = (Boolean) js.executeScript("var s = document.getElementById('strip'); return s.scrollWidth > s.clientWidth;");
                assertTrue(scrolls, "the strip scrolls instead of squeezing 300 cells into the page");
                long select = System.nanoTime();
                js.executeScript("window.bitplanDashboard.select('int8')");
                wait.until(d -> d.findElement(By.id("candidate-id")).getText().startsWith("int8")
                        && d.findElements(By.cssSelector("#strip .cell.w8")).size() == 300);
                double selected = (System.nanoTime() - select) / 1e9;
                Files.write(Path.of("target", "dashboard-300-layers.png"), ((org.openqa.selenium.TakesScreenshot) browser)
                        .getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
                System.err.printf("scale trial: %d candidates, 300 layers; page drawn %.2f s after sign-in, a candidate selected in %.2f s%n",
                        candidates, drawn, selected);
            } finally {
                browser.quit();
            }
        }
    }
}
