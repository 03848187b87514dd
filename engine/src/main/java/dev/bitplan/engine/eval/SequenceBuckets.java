package dev.bitplan.engine.eval;

import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.metrics.TokenMask;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A token model's samples grouped by real length, so that they run without padding: every input with a token axis
 * ([samples, tokens, ...], such as {@code input_ids}, {@code attention_mask}, {@code token_type_ids}) is trimmed to the
 * group's length. Padding positions then never reach calibration statistics or dynamic quantization ranges, and each
 * sentence computes what it computes alone, as a deployment serving one sentence at a time sees it.
 */
public final class SequenceBuckets {

    /** Samples of one real length: their positions in the selection and their inputs trimmed to that length. */
    public record Bucket(int length, int[] positions, Map<String, NdArray> inputs) {

        public int size() {
            return positions.length;
        }
    }

    private final SampleSet samples;
    private final int tokens;
    private final Map<Integer, int[]> byLength; // length -> positions in the selection, ascending

    private SequenceBuckets(SampleSet samples, int tokens, Map<Integer, int[]> byLength) {
        this.samples = samples;
        this.tokens = tokens;
        this.byLength = byLength;
    }

    /**
     * The buckets of a sample set, or empty when its samples have no {@code attention_mask} or are not all padded on
     * the right (then they run as given, padding included).
     */
    public static Optional<SequenceBuckets> of(SampleSet samples) {
        Optional<TokenMask> mask = tokenMask(samples);
        if (mask.isEmpty() || !mask.get().rightPadded()) {
            return Optional.empty();
        }
        TokenMask m = mask.get();
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < m.samples(); i++) {
            groups.computeIfAbsent(Math.max(1, m.realCount(i)), k -> new ArrayList<>()).add(i);
        }
        Map<Integer, int[]> byLength = new LinkedHashMap<>();
        groups.forEach((length, positions) -> byLength.put(length, positions.stream().mapToInt(Integer::intValue).toArray()));
        return Optional.of(new SequenceBuckets(samples, m.tokens(), byLength));
    }

    /** The samples' real tokens, when their data has an {@code attention_mask} of [samples, tokens]. */
    public static Optional<TokenMask> tokenMask(SampleSet samples) {
        NdArray mask = samples.inputs().get(TokenMask.INPUT);
        if (mask == null || mask.rank() != 2) {
            return Optional.empty();
        }
        return Optional.of(TokenMask.of(mask, samples.indices()));
    }

    /** Positions per sample before trimming (the padded length). */
    public int tokens() {
        return tokens;
    }

    public int bucketCount() {
        return byLength.size();
    }

    /** The buckets, shortest first; each one's trimmed inputs are built as it is reached, so only one is held at a time. */
    public Iterable<Bucket> buckets() {
        return () -> new Iterator<>() {
            private final Iterator<Map.Entry<Integer, int[]>> it = byLength.entrySet().iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Bucket next() {
                Map.Entry<Integer, int[]> e = it.next();
                return new Bucket(e.getKey(), e.getValue(), trimmed(e.getValue(), e.getKey()));
            }
        };
    }

    /** The bucket a sample of the selection falls in, by its real length: for a single representative sample. */
    public Bucket single(int position) {
        for (Map.Entry<Integer, int[]> e : byLength.entrySet()) {
            for (int p : e.getValue()) {
                if (p == position) {
                    return new Bucket(e.getKey(), new int[] {p}, trimmed(new int[] {p}, e.getKey()));
                }
            }
        }
        throw new IllegalArgumentException("no sample at position " + position);
    }

    /** The position of a sample of median real length: what a typical single request looks like. */
    public int medianLengthPosition() {
        int total = samples.size();
        int seen = 0;
        for (int[] positions : byLength.values()) {
            seen += positions.length;
            if (seen * 2 >= total) {
                return positions[0];
            }
        }
        throw new IllegalStateException("no samples");
    }

    private Map<String, NdArray> trimmed(int[] positions, int length) {
        int[] rows = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            rows[i] = samples.indices()[positions[i]];
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        samples.inputs().forEach((name, array) -> {
            NdArray picked = array.selectSamples(rows);
            boolean tokenAxis = array.rank() >= 2 && array.shape()[1] == tokens;
            out.put(name, tokenAxis ? picked.keepLeading(length) : picked);
        });
        return out;
    }
}
