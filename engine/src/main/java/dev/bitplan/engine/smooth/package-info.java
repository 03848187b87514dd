/**
 * SmoothQuant (Xiao et al., 2023): per-channel activation outliers, which stretch a per-tensor activation range, are
 * moved into the weights that read them. A LayerNorm's output ends in a per-channel affine {@code x * gamma + beta};
 * dividing gamma and beta by {@code s_j} and multiplying row {@code j} of every reading MatMul weight by {@code s_j}
 * leaves the float model's outputs as they were (exact up to float rounding), while the activation the MatMuls
 * quantize has channel {@code j} shrunk by {@code s_j}. {@link dev.bitplan.engine.smooth.SmoothingSites} finds where
 * that holds, {@link dev.bitplan.engine.smooth.SmoothingScales} computes {@code s}, {@link
 * dev.bitplan.engine.smooth.SmoothQuantFolding} writes the new float model. The calibration pass that measures the
 * activations is {@code engine.eval.SmoothQuantPass}.
 */
package dev.bitplan.engine.smooth;
