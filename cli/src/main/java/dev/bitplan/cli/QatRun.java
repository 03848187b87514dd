package dev.bitplan.cli;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.report.QatFigures;
import dev.bitplan.engine.data.StreamedDataset;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.qat.QatCandidateTuner;
import dev.bitplan.qat.QatEvaluator;
import dev.bitplan.qat.graph.UnsupportedOpException;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import dev.bitplan.qat.train.TrainingResult;

/** One plan fine-tuned by QAT for the command line: the figures to print and the tuned model's export. */
record QatRun(QatFigures figures, ExportedModel exported) {

    /** Fine-tunes {@code plan} on {@code train}, streamed from its spill, which is deleted when this returns. */
    static QatRun of(PlanEvaluator eval, SampleSet calibration, StreamedDataset train, QuantPlan plan, Double epochs, Integer steps,
                     boolean learnRanges, ProgressPrinter progress) {
        TrainingConfig config = QatCandidateTuner.budget(steps, epochs).withLearnRanges(learnRanges);
        QatEvaluator.Result r;
        try (TrainingData data = TrainingData.streamed(train)) {
            r = new QatEvaluator(eval, calibration).evaluate(plan, data, config,
                    step -> progress.progress("qat", step.step(), step.totalSteps()), () -> false);
        } catch (UnsupportedOpException e) {
            throw new CommandFailure("QAT cannot train this model: " + e.getMessage() + " (its PTQ result: bitplan evaluate without --method qat)",
                    1, e);
        }
        TrainingResult t = r.training();
        TrainingData.Footprint data = t.data();
        return new QatRun(new QatFigures(r.ptqMetric(), r.qatMetric(), r.deployedMetric(), t.steps(), t.samples(), t.seconds(),
                t.firstLoss(), t.lastLoss(), data.heldBytes(), data.bytesOnDisk(), data.largestBatchBytes(), r.rangesLearned()), r.exported());
    }
}
