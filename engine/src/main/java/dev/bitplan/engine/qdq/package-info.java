/**
 * The QDQ rewrite of a plan: a float ONNX model becomes the same graph with QuantizeLinear / DequantizeLinear pairs
 * on each quantized layer's activations and quantized weights, in one of three forms ({@link
 * dev.bitplan.engine.qdq.ModelForm}): the fake-quant simulation, the integer model plans are scored on, and the
 * deployable model that is exported ({@link dev.bitplan.engine.qdq.ExportedModel}). {@link
 * dev.bitplan.engine.qdq.PlanRewriter} writes all three; {@link dev.bitplan.engine.qdq.QuantizedWeightCache} keeps
 * each layer's quantized weights so that plans differing in one layer requantize only that layer.
 */
package dev.bitplan.engine.qdq;
