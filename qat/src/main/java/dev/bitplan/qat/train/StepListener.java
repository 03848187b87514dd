package dev.bitplan.qat.train;

/** Told after every optimizer step (job events, CLI progress). */
@FunctionalInterface
public interface StepListener {

    StepListener NONE = step -> { };

    void onStep(TrainingStep step);
}
