package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten jobs at once from two tenants through the real local stack ({@code bitplan bench jobs}, MNIST only to keep CI
 * short; the 50-job mixed run is in BENCHMARKS): all finish, none is searched or evaluated twice.
 */
class JobsLoadTest {

    @TempDir
    Path dir;

    @Test
    void tenJobsAtOnceFromTwoTenantsAllFinishAndNoWorkIsDoneTwice() throws Exception {
        Path out = dir.resolve("BENCHMARKS.md");
        Cli.Run run = Cli.run("bench", "jobs", "--jobs", "10", "--mnist-only", "--timeout", "900", "--out", out.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("| 10 | 0 |"), "10 jobs DONE, none failed:\n" + run.out());
        assertTrue(run.out().contains("Work done twice: none (read back from the topics: 10 profiles for 10 jobs"), run.out());
        assertTrue(run.out().contains("2 tenants in turn"), run.out());
        for (String process : new String[] {"| api |", "| search-worker-1 |", "| search-worker-2 |", "| evaluator-1 |", "| evaluator-2 |"}) {
            assertTrue(run.out().contains(process), "peak memory of " + process + ":\n" + run.out());
        }
        assertTrue(Files.readString(out).contains("## Jobs: 10 jobs at once through the service"), "the figures are recorded");
    }
}
