package dev.bitplan.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import org.junit.jupiter.api.Test;

class TokenCosineTest {

    private static final int HIDDEN = 2;

    /** Two sentences of 2 and 1 real tokens, hidden width 2, padded to {@code tokens} with {@code padValue} everywhere. */
    private static float[] outputs(int tokens, float[][][] real, float padValue) {
        float[] out = new float[2 * tokens * HIDDEN];
        java.util.Arrays.fill(out, padValue);
        for (int i = 0; i < real.length; i++) {
            for (int t = 0; t < real[i].length; t++) {
                System.arraycopy(real[i][t], 0, out, (i * tokens + t) * HIDDEN, HIDDEN);
            }
        }
        return out;
    }

    private static TokenMask mask(int tokens) {
        long[] m = new long[2 * tokens];
        m[0] = 1;
        m[1] = 1;
        m[tokens] = 1;
        return TokenMask.of(NdArray.ofLongs("attention_mask", DType.INT64, new long[] {2, tokens}, m), new int[] {0, 1});
    }

    private static final float[][][] REFERENCE = {{{1, 0}, {1, 0}}, {{0, 1}}};
    private static final float[][][] QUANTIZED = {{{1, 0}, {0, 1}}, {{0, 2}}};

    @Test
    void sentenceCosinePoolsRealTokensOnly() {
        // sentence 1 pools to (1/2, 1/2) against (1, 0): cos = 1 / sqrt(2); sentence 2: (0, 2) against (0, 1): 1
        double expected = (1 / Math.sqrt(2) + 1) / 2;
        assertEquals(expected, TokenCosine.sentence(outputs(3, QUANTIZED, 0), outputs(3, REFERENCE, 0), mask(3)), 1e-9);
        // token cosine: tokens (1,0)~(1,0) = 1, (0,1)~(1,0) = 0, (0,2)~(0,1) = 1
        assertEquals(2.0 / 3, TokenCosine.token(outputs(3, QUANTIZED, 0), outputs(3, REFERENCE, 0), mask(3)), 1e-9);
    }

    @Test
    void aPaddedAndAnUnpaddedCopyOfTheSameSentencesScoreTheSame() {
        double tight = TokenCosine.sentence(outputs(2, QUANTIZED, 0), outputs(2, REFERENCE, 0), mask(2));
        // more padding, and padding positions full of garbage that an all-positions cosine would count
        double padded = TokenCosine.sentence(outputs(7, QUANTIZED, 9), outputs(7, REFERENCE, -3), mask(7));
        assertEquals(tight, padded, 1e-12);
        assertEquals(TokenCosine.token(outputs(2, QUANTIZED, 0), outputs(2, REFERENCE, 0), mask(2)),
                TokenCosine.token(outputs(7, QUANTIZED, 9), outputs(7, REFERENCE, -3), mask(7)), 1e-12);
        double allPositions = MetricCalculator.score(Metric.COSINE, outputs(7, QUANTIZED, 9), outputs(7, REFERENCE, -3), null, 7 * HIDDEN);
        assertTrue(Math.abs(allPositions - padded) > 0.1, "the plain cosine counts the padding: " + allPositions);
    }

    @Test
    void perTokenMetricsAndTheirDivergenceNeedAMaskAndATokenAxis() {
        float[] out = outputs(3, QUANTIZED, 0);
        float[] ref = outputs(3, REFERENCE, 0);
        InvalidInputException noMask = assertThrows(InvalidInputException.class,
                () -> MetricCalculator.score(Metric.SENTENCE_COSINE, out, ref, null, 3 * HIDDEN, null));
        assertTrue(noMask.getMessage().contains("'attention_mask' input"), noMask.getMessage());
        InvalidInputException shape = assertThrows(InvalidInputException.class,
                () -> TokenCosine.token(new float[7], new float[7], mask(3)));
        assertTrue(shape.getMessage().contains("[samples, tokens, hidden]"), shape.getMessage());
        assertEquals(1 - TokenCosine.sentence(out, ref, mask(3)), Divergence.of(Metric.SENTENCE_COSINE, out, ref, 3 * HIDDEN, mask(3)), 1e-12);
        assertEquals(0.0, Divergence.of(Metric.TOKEN_COSINE, ref, ref, 3 * HIDDEN, mask(3)), 1e-12);
    }

    @Test
    void aMaskKnowsWhetherItCanBeTrimmed() {
        assertTrue(mask(4).rightPadded());
        TokenMask left = TokenMask.of(NdArray.ofLongs("attention_mask", DType.INT64, new long[] {1, 3}, new long[] {0, 1, 1}),
                new int[] {0});
        assertEquals(2, left.realCount(0));
        assertTrue(!left.rightPadded(), "left padding cannot be cut off the end");
    }
}
