package dev.bitplan.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.testmodels.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad upload is refused with the right {@link Problem} and a message that names what is wrong. */
class ModelLoaderTest {

    private static InvalidInputException refused(byte[] bytes, String name) {
        return assertThrows(InvalidInputException.class, () -> ModelLoader.parse(bytes, name));
    }

    private static InvalidInputException refused(ModelProto model) {
        return refused(model.toByteArray(), "model.onnx");
    }

    private static void assertMentions(InvalidInputException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "message should mention '" + w + "': " + e.getMessage());
        }
    }

    @Test
    void jpegNamedOnnxIsWrongFormatAndCalledAJpeg() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01};
        InvalidInputException e = refused(jpeg, "holiday.onnx");
        assertEquals(Problem.WRONG_FORMAT, e.problem());
        assertMentions(e, "holiday.onnx", "JPEG");
    }

    @Test
    void randomBytesAreWrongFormat() {
        byte[] garbage = new byte[1024];
        new Random(0).nextBytes(garbage);
        InvalidInputException e = refused(garbage, "garbage.onnx");
        assertEquals(Problem.WRONG_FORMAT, e.problem(), e.getMessage());
        assertMentions(e, "garbage.onnx", "not an ONNX model");
    }

    @Test
    void emptyFileIsWrongFormatAndCalledEmpty() {
        InvalidInputException e = refused(new byte[0], "empty.onnx");
        assertEquals(Problem.WRONG_FORMAT, e.problem());
        assertMentions(e, "empty");
    }

    @Test
    void fixtureCutInHalfIsCorruptAndCalledTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.file("mnist/resnet8_bn.onnx"));
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        InvalidInputException e = refused(half, "resnet8_bn.onnx");
        assertEquals(Problem.CORRUPT, e.problem(), e.getMessage());
        assertMentions(e, "truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../../secret"})
    void externalDataOutsideTheUploadIsUnsafe(String location) {
        InvalidInputException e = refused(TestModels.withExternalData(location));
        assertEquals(Problem.UNSAFE, e.problem());
        assertMentions(e, location, "outside", "conv.weight");
    }

    @Test
    void externalDataBesideTheModelIsUnsafeToo() {
        InvalidInputException e = refused(TestModels.withExternalData("weights.bin"));
        assertEquals(Problem.UNSAFE, e.problem());
        assertMentions(e, "weights.bin", "external");
        assertFalse(e.getMessage().contains("outside"), "a plain file name is not path traversal: " + e.getMessage());
    }

    @Test
    void customOperatorDomainIsUnusableAndNamed() {
        InvalidInputException e = refused(TestModels.withCustomDomainOp());
        assertEquals(Problem.UNUSABLE, e.problem());
        assertMentions(e, TestModels.CUSTOM_DOMAIN, "FancyActivation");
    }

    @Test
    void inputWithoutShapeIsUnusableAndNamed() {
        InvalidInputException e = refused(TestModels.withoutInputShape());
        assertEquals(Problem.UNUSABLE, e.problem());
        assertMentions(e, "'input'", "shape");
    }

    @Test
    void opsetSixIsUnusableAndSaysFromWhichOpsetModelsAreUpgraded() {
        ai.onnx.proto.OnnxMl.ModelProto nine = TestModels.smallCnn(9);
        ai.onnx.proto.OnnxMl.ModelProto six = nine.toBuilder().setOpsetImport(0, nine.getOpsetImport(0).toBuilder().setVersion(6)).build();
        InvalidInputException e = refused(six);
        assertEquals(Problem.UNUSABLE, e.problem());
        assertMentions(e, "opset 6", "opset " + ModelValidator.MIN_OPSET);
    }

    @Test
    void modelsBeforeOpset21AreUpgradedOnLoad() {
        assertEquals(21, ModelLoader.parse(TestModels.smallCnn(9).toByteArray(), "cnn.onnx").opset());
        assertEquals(21, ModelLoader.parse(TestModels.smallCnn(11).toByteArray(), "cnn.onnx").opset());
        OnnxModel from17 = ModelLoader.parse(TestModels.smallCnn(17).toByteArray(), "cnn.onnx");
        assertEquals(21, from17.opset());
        assertEquals(17, from17.sourceOpset());
    }

    @Test
    void modelWithoutQuantizableLayerLoadsButIsRefusedWhenLayersAreRequired() {
        OnnxModel m = ModelLoader.parse(TestModels.noQuantizableLayer().toByteArray(), "plain.onnx");
        PreparedModel prepared = PreparedModel.of(m);
        assertTrue(prepared.layers().isEmpty());
        InvalidInputException e = assertThrows(InvalidInputException.class, prepared::requireLayers);
        assertEquals(Problem.UNUSABLE, e.problem());
        assertMentions(e, "no quantizable layer", "Relu", "Add");
    }

    @Test
    void validFixtureModelLoads() {
        OnnxModel m = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        assertEquals(13, m.sourceOpset());
        assertEquals(21, m.opset());
        assertEquals(1, m.realInputs().size());
        assertEquals("input", m.realInputs().get(0).getName());
        assertEquals("logits", m.outputs().get(0).getName());
        assertEquals(9, m.nodes().stream().filter(n -> n.getOpType().equals("Conv")).count());
    }

    @Test
    void missingFileIsBadRequest(@TempDir Path dir) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelLoader.load(dir.resolve("nope.onnx")));
        assertEquals(Problem.BAD_REQUEST, e.problem());
        assertMentions(e, "nope.onnx", "does not exist");
    }

    /**
     * Bytes that are not ONNX at all must not be reported as "a truncated ONNX file". The loader treats any
     * protobuf "input ended unexpectedly" error as truncation, but arbitrary bytes hit that error whenever a
     * byte happens to read as a length-delimited field tag with a length past the end: about 15% of random
     * 1 KiB files (seed 2 is one), and any text file starting with 'R' (0x52 = field 10, wire type 2).
     */
    @Test
    void garbageThatLooksLikeAnUnfinishedFieldIsStillWrongFormat() {
        byte[] random = new byte[1024];
        new Random(2).nextBytes(random);
        byte[] csv = "Rows,labels\n1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII);
        InvalidInputException fromRandom = refused(random, "random.onnx");
        InvalidInputException fromCsv = refused(csv, "table.onnx");
        assertAll(
                () -> assertEquals(Problem.WRONG_FORMAT, fromRandom.problem(), fromRandom.getMessage()),
                () -> assertEquals(Problem.WRONG_FORMAT, fromCsv.problem(), fromCsv.getMessage()));
    }
}
