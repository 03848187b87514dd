package dev.bitplan.api.service;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.report.ModelInspection;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.eval.ModelInspector;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerDigests;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks an uploaded ONNX file with the engine before anything is stored: it parses, passes the engine's
 * validation (opset, no external data, no unknown op domains) and has at least one quantizable layer.
 */
public final class ModelFileCheck {

    private ModelFileCheck() {
    }

    /**
     * What an accepted upload holds; {@code weightDigests} maps each layer to the sha256 of its weights,
     * {@code graphDigests} to the digest of the layer with everything upstream of it ({@link LayerDigests}).
     */
    public record ValidatedModel(ModelInspection inspection, Map<String, String> weightDigests, Map<String, String> graphDigests) {
    }

    /** @param fileName  the client's name for the file, used in messages */
    public static ValidatedModel check(Path file, String fileName) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
        if (bytes.length == 0) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, fileName + " is empty (0 bytes); upload an ONNX model");
        }
        OnnxModel model = ModelLoader.parse(bytes, fileName);
        ModelInspection inspection = ModelInspector.inspect(model);
        if (inspection.layers().isEmpty()) {
            throw new InvalidInputException(Problem.UNUSABLE, fileName + " has no layer BitPlan can quantize"
                    + (inspection.blockers().isEmpty() ? "" : ": " + String.join("; ", inspection.blockers())));
        }
        PreparedModel prepared = PreparedModel.of(model);
        Map<String, String> digests = new LinkedHashMap<>();
        for (Layer layer : prepared.layers()) {
            TensorProto weight = prepared.folded().initializer(layer.weight()).orElse(null);
            digests.put(layer.name(), weight == null ? null : Sha256.of(weight.toByteArray()));
        }
        return new ValidatedModel(inspection, digests, LayerDigests.of(prepared.folded(), prepared.layers()));
    }
}
