package dev.bitplan.messaging.testing;

import dev.bitplan.messaging.Publisher;
import dev.bitplan.messaging.WorkerSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a worker app's end-to-end tests run against: the module's test broker, an api stand-in serving the MNIST
 * sample (model, test data, calibration data) and a publisher to submit work with. Register it on a static field
 * ({@code @RegisterExtension static final WorkerTestBed bed = new WorkerTestBed();}): it starts before the class's
 * tests and stops after them.
 */
public final class WorkerTestBed implements BeforeAllCallback, AfterAllCallback {

    /** The sample's files, seen from a module's directory (where the tests run). */
    public static final Path MNIST = Path.of("..", "samples", "mnist");

    private FakeApi api;
    private String modelSha;
    private String dataSha;
    private String calibrationSha;
    private Publisher publisher;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        TestKafka.bootstrap();
        api = new FakeApi();
        modelSha = api.blob(MNIST.resolve("resnet8_bn.onnx"));
        dataSha = api.blob(MNIST.resolve("mnist_test.npz"));
        calibrationSha = api.blob(MNIST.resolve("mnist_calib.npz"));
        publisher = new Publisher(TestKafka.bootstrap(), "test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        publisher.close();
        api.close();
    }

    /**
     * Settings of one worker under test: a fresh id, a short session timeout and fast retries, so that a failing
     * job ends in seconds.
     */
    public WorkerSettings settings(String idPrefix, Path cacheDir) {
        return new WorkerSettings(TestKafka.bootstrap(), api.url(), FakeApi.TOKEN, cacheDir, idPrefix + UUID.randomUUID(), 6_000, null, null)
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
}
