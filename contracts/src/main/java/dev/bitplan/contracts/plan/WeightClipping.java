package dev.bitplan.contracts.plan;

/** How the clip value of each weight channel is chosen before quantizing it. */
public enum WeightClipping {
    /** Clip at max |w|: no weight saturates. */
    MAX_ABS,
    /** The clip that minimises the squared error of the channel's quantized weights (searched on a grid). */
    MSE
}
