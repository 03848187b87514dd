package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzWriter;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestData;
import dev.bitplan.search.MeasuredCandidate;
import dev.bitplan.search.SearchRequest;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search's QAT step on real parts: a session's PTQ candidate fine-tuned and re-measured, or kept with the reason. */
class QatCandidateTunerTest {

    private static final JobSpec SPEC = new JobSpec(null, null, null, null, null, 1, 7L, 64, 64, 3, null);
    private static final CandidateProposal INT4 = new CandidateProposal("int4", CandidateKind.BASELINE_INT4, QuantPlan.uniform(4, 8), 0, 0);

    @Test
    void aPtqCandidateIsFineTunedAndMeasuredAgainWithItsPtqMetricBeside() {
        Path calib = Fixtures.file("mnist/mnist_calib.npz");
        SearchSession session = new SearchSession(SearchRequest.from(SPEC, Fixtures.file("mnist/resnet8_bn.onnx"),
                Fixtures.file("mnist/mnist_test.npz"), calib), RuntimeOptions.defaults(), ProgressListener.NONE);
        MeasuredCandidate ptq = session.measure(INT4);
        List<int[]> steps = new ArrayList<>();
        MeasuredCandidate tuned = new QatCandidateTuner(calib, QatCandidateTuner.budget(4, null))
                .tune(session, INT4, ptq, (stage, done, total) -> {
                    if (stage.equals(QatCandidateTuner.STAGE)) {
                        steps.add(new int[] {done, total});
                    }
                });
        Candidate c = tuned.candidate();
        System.out.printf("MNIST all-4-bit, 4 QAT steps: PTQ %.4f -> QAT %.4f (deployed %.4f)%n", c.ptqMetric(), c.qatMetric(),
                c.deployedMetric());
        assertEquals(ptq.candidate().metric(), c.ptqMetric(), 1e-12);
        assertEquals(c.qatMetric(), c.metric(), 1e-12, "the candidate's metric is the tuned model's");
        assertEquals(4, c.qat().steps());
        assertNull(c.qat().skipped());
        assertEquals(0, c.qat().trainDataBytes(), "the training file is streamed: nothing of it stays in the heap");
        assertTrue(c.qat().trainDataBytesOnDisk() >= 256L * 28 * 28, "256 digits decompressed to disk: " + c.qat().trainDataBytesOnDisk());
        assertEquals(64L * 28 * 28 * 4, c.qat().peakBatchBytes(), "a batch of 64 digits held as floats");
        assertTrue(c.qat().peakResidentBytes() > c.qat().trainDataBytesOnDisk(), "the process's resident memory while training");
        assertEquals(List.of(1, 2, 3, 4), steps.stream().map(s -> s[0]).toList(), "progress per training step");
        assertNotNull(c.latencyMs());
        assertEquals(tuned.exported().sizeBytes(), c.exportedBytes());
        assertFalse(Arrays.equals(ptq.exported().bytes(), tuned.exported().bytes()), "the export is the tuned model's");
        assertEquals(ptq.candidate().sizeBytes(), c.sizeBytes(), "the plan, hence the modelled size, is the same");
    }

    @Test
    void aModelWithAnOpTheImporterLacksKeepsItsPtqResultAndSaysWhy(@TempDir Path dir) throws Exception {
        GraphBuilder g = new GraphBuilder("g").opset(21);
        String x = g.input("x", GraphBuilder.FLOAT, "batch", 8);
        String h = g.node("MatMul").name("/fc1/MatMul").inputs(x, g.heWeight("w1", 8, 8, 8)).add();
        String a = g.node("HardSwish").name("/act/HardSwish").inputs(h).add();
        g.node("MatMul").name("/fc2/MatMul").inputs(a, g.heWeight("w2", 8, 8, 4)).outputs("y").add();
        Path model = GraphBuilder.write(g.output("y", GraphBuilder.FLOAT, "batch", 4).build(), dir.resolve("hardswish.onnx"));
        Path data = dir.resolve("data.npz");
        NpzWriter.write(NpzFile.of(NdArray.ofFloats("x", new long[] {96, 8}, TestData.floats(3, 96 * 8))), data);
        JobSpec spec = new JobSpec(null, null, null, null, null, 1, 7L, 16, 16, 2, null);
        SearchSession session = new SearchSession(SearchRequest.from(spec, model, data, null), RuntimeOptions.defaults(),
                ProgressListener.NONE);
        CandidateProposal int8 = new CandidateProposal("int8", CandidateKind.BASELINE_INT8, QuantPlan.uniform(8, 8), 0, 0);
        MeasuredCandidate ptq = session.measure(int8);
        MeasuredCandidate out = new QatCandidateTuner(data, QatCandidateTuner.budget(2, null)).tune(session, int8, ptq, ProgressListener.NONE);
        Candidate c = out.candidate();
        assertEquals(ptq.candidate().metric(), c.metric(), 1e-12);
        assertEquals(ptq.candidate().metric(), c.ptqMetric(), 1e-12);
        assertNull(c.qatMetric());
        assertTrue(c.qat().skipped().contains("HardSwish") && c.qat().skipped().contains("/act/HardSwish"), c.qat().skipped());
        assertSame(ptq.exported(), out.exported(), "the PTQ export ships");
        assertArrayEquals(ptq.exported().bytes(), out.exported().bytes());
    }
}
