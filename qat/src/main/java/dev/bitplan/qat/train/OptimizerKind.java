package dev.bitplan.qat.train;

/** The optimizers QAT offers; both follow a cosine learning-rate schedule over the step budget. */
public enum OptimizerKind {
    ADAM,
    /** SGD with momentum 0.9. */
    SGD
}
