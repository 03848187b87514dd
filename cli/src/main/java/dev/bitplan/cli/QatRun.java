package dev.bitplan.cli;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.report.QatFigures;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.qat.QatCandidateTuner;
import dev.bitplan.qat.QatEvaluator;
import dev.bitplan.qat.graph.UnsupportedOpException;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingResult;

/** One plan fine-tuned by QAT for the command line: the figures to print and the tuned model's export. */
record QatRun(QatFigures figures, ExportedModel exported) {

    static QatRun of(PlanEvaluator eval, SampleSet calibration, SampleSet train, QuantPlan plan, Double epochs, Integer steps,
                     ProgressPrinter progress) {
        TrainingConfig config = QatCandidateTuner.budget(steps, epochs);
        QatEvaluator.Result r;
        try {
            r = new QatEvaluator(eval, calibration).evaluate(plan, train, config,
                    step -> progress.progress("qat", step.step(), step.totalSteps()), () -> false);
        } catch (UnsupportedOpException e) {
            throw new CommandFailure("QAT cannot train this model: " + e.getMessage() + " (its PTQ result: bitplan evaluate without --method qat)",
                    1, e);
        }
        TrainingResult t = r.training();
        return new QatRun(new QatFigures(r.ptqMetric(), r.qatMetric(), r.deployedMetric(), t.steps(), t.samples(), t.seconds(),
                t.firstLoss(), t.lastLoss()), r.exported());
    }
}
