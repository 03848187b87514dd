package dev.bitplan.engine.smooth;

import dev.bitplan.engine.layers.Layer;
import java.util.List;

/**
 * One LayerNorm output whose per-channel scale can move into the weights of the MatMul layers that read it.
 *
 * @param output          the LayerNorm's output tensor: the activation the readers quantize
 * @param normNode        the node whose constants change: a {@code LayerNormalization}, or the {@code Add} that ends the
 *                        decomposed form {@code Add(Mul(x, gamma), beta)}
 * @param gamma           initializer of the per-channel scale (divided by s)
 * @param beta            initializer of the per-channel shift (divided by s), or null when the LayerNorm has none
 * @param channels        the hidden size: the last axis of {@code output}, the rows of each reader's weight
 * @param readers         the MatMul layers reading {@code output}, whose weight rows are multiplied by s
 * @param restoredReaders residual {@code Add} nodes reading {@code output}: they are given {@code output * s}, the value
 *                        they read before, through one inserted Mul (post-LN transformers such as BERT add the
 *                        LayerNorm's output back to the stream after the block)
 */
public record SmoothingSite(String output, String normNode, String gamma, String beta, int channels, List<Layer> readers,
                            List<String> restoredReaders) {

    public SmoothingSite {
        readers = List.copyOf(readers);
        restoredReaders = List.copyOf(restoredReaders);
    }
}
