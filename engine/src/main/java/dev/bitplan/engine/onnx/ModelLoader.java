package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.onnx.upgrade.OpsetUpgrade;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Parses ONNX bytes into an {@link OnnxModel}, telling "not ONNX at all" apart from "ONNX but cut short". */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** Loads, upgrades models before opset 21 ({@link OpsetUpgrade}) and validates a model file (see {@link ModelValidator}). */
    public static OnnxModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "model file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(bytes, file.getFileName().toString());
    }

    public static OnnxModel parse(byte[] bytes, String source) {
        String other = FileSniffer.describeIfNotOnnx(bytes);
        if (other != null) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, source + " is not an ONNX model: it looks like " + other);
        }
        ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(512);
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage());
            if ((m.contains("truncated") || m.contains("end of the input")) && startsLikeOnnx(bytes)) {
                throw new InvalidInputException(Problem.CORRUPT, source + " is a truncated ONNX file (" + bytes.length
                        + " bytes): the data ends in the middle of a message; upload the complete file", e);
            }
            throw new InvalidInputException(Problem.WRONG_FORMAT, source + " is not an ONNX model (" + firstLine(m) + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0 || proto.getIrVersion() == 0) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, source
                    + " is not an ONNX model: it has no graph, no nodes or no IR version");
        }
        OnnxModel model = new OnnxModel(OpsetUpgrade.toTarget(proto, source));
        ModelValidator.validate(model, source);
        return model;
    }

    /**
     * Every ONNX writer serialises fields in number order, so a model starts with ir_version (field 1, a
     * small varint): 0x08 then 3..15. Only such bytes can be "an ONNX file cut short"; anything else that
     * fails to parse is not ONNX at all.
     */
    private static boolean startsLikeOnnx(byte[] b) {
        return b.length >= 2 && b[0] == 0x08 && b[1] >= 1 && b[1] <= 15;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }
}
