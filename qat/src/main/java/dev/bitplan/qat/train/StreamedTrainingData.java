package dev.bitplan.qat.train;

import dev.bitplan.engine.data.StreamedDataset;

/** Training samples read batch by batch from a file's spill on disk: nothing of them stays in the heap between batches. */
final class StreamedTrainingData extends TrainingData {

    private final StreamedDataset data;

    StreamedTrainingData(StreamedDataset data) {
        this.data = data;
    }

    @Override
    public int size() {
        return data.sampleCount();
    }

    @Override
    public boolean hasLabels() {
        return data.hasLabels();
    }

    @Override
    protected Batch read(int[] samples, boolean withLabels) {
        return new Batch(data.rows(samples), withLabels ? data.labels(samples) : null);
    }

    @Override
    protected long heldBytes() {
        return 0;
    }

    @Override
    protected long bytesOnDisk() {
        return data.bytesOnDisk();
    }

    @Override
    public void close() {
        data.close();
    }

    @Override
    public String toString() {
        return data.toString();
    }
}
