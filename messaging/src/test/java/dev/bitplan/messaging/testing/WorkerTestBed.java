package dev.bitplan.messaging.testing;

import dev.bitplan.messaging.Publisher;
import dev.bitplan.messaging.WorkerSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * What a worker app's end-to-end tests run against: the module's test broker, an api stand-in serving the MNIST
 * sample (model, test data, calibration data) and a publisher to submit work with. One per test class.
 */
public final class WorkerTestBed implements AutoCloseable {

    /** The sample's files, seen from a module's directory (where the tests run). */
    public static final Path MNIST = Path.of("..", "samples", "mnist");

    private final FakeApi api;
    private final String modelSha;
    private final String dataSha;
    private final String calibrationSha;
    private final Publisher publisher;

    public WorkerTestBed() throws IOException {
        TestKafka.bootstrap();
        api = new FakeApi();
        modelSha = api.blob(MNIST.resolve("resnet8_bn.onnx"));
        dataSha = api.blob(MNIST.resolve("mnist_test.npz"));
        calibrationSha = api.blob(MNIST.resolve("mnist_calib.npz"));
        publisher = new Publisher(TestKafka.bootstrap(), "test");
    }

    /**
     * Settings of one worker under test: a fresh id, a short session timeout and fast retries, so that a failing
     * job ends in seconds.
     */
    public WorkerSettings settings(String idPrefix, Path cacheDir) {
        return new WorkerSettings(TestKafka.bootstrap(), api.url(), FakeApi.TOKEN, cacheDir, idPrefix + UUID.randomUUID(), 6_000, null)
                .withRetry(3, Duration.ofMillis(100));
    }

    public FakeApi api() {
        return api;
    }

    /** sha256 of {@code resnet8_bn.onnx}. */
    public String modelSha() {
        return modelSha;
    }

    /** sha256 of {@code mnist_test.npz}. */
    public String dataSha() {
        return dataSha;
    }

    /** sha256 of {@code mnist_calib.npz}. */
    public String calibrationSha() {
        return calibrationSha;
    }

    public Publisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        publisher.close();
        api.close();
    }
}
