package dev.bitplan.qat;

import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.QatTraining;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.qat.graph.UnsupportedOpException;
import dev.bitplan.qat.train.ResidentMemory;
import dev.bitplan.qat.train.StepListener;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import dev.bitplan.qat.train.TrainingResult;
import dev.bitplan.search.CandidateTuner;
import dev.bitplan.search.MeasuredCandidate;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;

/**
 * The search's QAT step: a candidate measured with PTQ is fine-tuned by {@link QatEvaluator} on the training file, and
 * the tuned model is measured as PTQ candidates are (metric, export run as deployed, measured latency). A model with an
 * op the importer lacks keeps its PTQ figures, marked with the reason. The training file is decompressed once per tuner
 * into a spill on disk that every candidate's training streams its batches from; closing the tuner deletes it.
 */
public final class QatCandidateTuner implements CandidateTuner {

    /** The progress stage of training steps. */
    public static final String STAGE = "qat";

    private final Path trainData;
    private final TrainingConfig config;
    private TrainingData train;

    public QatCandidateTuner(Path trainData, TrainingConfig config) {
        this.trainData = trainData;
        this.config = config;
    }

    /** The default training (batch 64, Adam, distillation only) for a budget of {@code steps}, or else {@code epochs}. */
    public static TrainingConfig budget(Integer steps, Double epochs) {
        TrainingConfig defaults = TrainingConfig.defaults();
        return steps != null ? defaults.withSteps(steps) : defaults.withEpochs(epochs == null ? 1 : epochs);
    }

    @Override
    public MeasuredCandidate tune(SearchSession session, CandidateProposal proposal, MeasuredCandidate ptq, ProgressListener progress) {
        if (proposal.fp32()) {
            return ptq;
        }
        QatEvaluator.Result r;
        ResidentMemory.Peak memory = new ResidentMemory.Peak();
        try {
            StepListener steps = step -> {
                memory.sample();
                progress.progress(STAGE, step.step(), step.totalSteps());
            };
            r = new QatEvaluator(session.validationEvaluator(), session.calibrationSamples())
                    .evaluateMeasured(proposal.plan(), ptq.candidate().metric(), trainingSet(session), config, steps, () -> false);
        } catch (UnsupportedOpException e) {
            return new MeasuredCandidate(ptq.candidate().notTuned(e.getMessage()), ptq.exported());
        }
        TrainingResult t = r.training();
        TrainingData.Footprint data = t.data();
        Candidate tuned = ptq.candidate().tuned(r.qatMetric(), r.deployedMetric(), r.exported().sizeBytes(),
                session.latencyMillis(r.exported().bytes()),
                QatTraining.trained(t.steps(), t.samples(), t.seconds(), t.firstLoss(), t.lastLoss(), memory.largest(),
                        data.heldBytes(), data.bytesOnDisk(), data.largestBatchBytes(), r.rangesLearned()));
        return new MeasuredCandidate(tuned, r.exported());
    }

    private synchronized TrainingData trainingSet(SearchSession session) {
        if (train == null) {
            train = TrainingData.streamed(session.streamedFile(trainData));
        }
        return train;
    }

    /** Deletes the training file's spill. */
    @Override
    public synchronized void close() {
        if (train != null) {
            train.close();
            train = null;
        }
    }
}
