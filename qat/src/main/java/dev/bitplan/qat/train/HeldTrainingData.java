package dev.bitplan.qat.train;

import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.SampleSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Training samples a caller holds in memory already (a {@link SampleSet}): each batch copies only its rows. */
final class HeldTrainingData extends TrainingData {

    private final SampleSet set;

    HeldTrainingData(SampleSet set) {
        this.set = set;
    }

    @Override
    public int size() {
        return set.size();
    }

    @Override
    public boolean hasLabels() {
        return set.labels() != null;
    }

    @Override
    protected Batch read(int[] samples, boolean withLabels) {
        int[] indices = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            indices[i] = set.indices()[samples[i]];
        }
        Map<String, NdArray> rows = new LinkedHashMap<>();
        set.inputs().forEach((name, array) -> rows.put(name, array.selectSamples(indices)));
        return new Batch(rows, withLabels ? new SampleSet(set.inputs(), set.labels(), indices).selectedLabels() : null);
    }

    /** The arrays the set reads from, whole, and its labels. */
    @Override
    protected long heldBytes() {
        return heapBytes(set.inputs(), set.labels());
    }

    @Override
    protected long bytesOnDisk() {
        return 0;
    }

    @Override
    public void close() {
        // the caller's samples stay the caller's
    }
}
