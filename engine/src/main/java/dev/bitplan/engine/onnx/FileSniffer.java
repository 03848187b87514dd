package dev.bitplan.engine.onnx;

import java.nio.charset.StandardCharsets;

/** Recognises common non-ONNX files by their first bytes, so a user hears "a JPEG image", not a protobuf error. */
final class FileSniffer {

    private FileSniffer() {
    }

    /** A description of the file kind when the bytes are clearly something else, or null. */
    static String describeIfNotOnnx(byte[] b) {
        if (b.length == 0) {
            return "an empty file";
        }
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return "a JPEG image";
        }
        if (starts(b, 0x89, 'P', 'N', 'G')) {
            return "a PNG image";
        }
        if (starts(b, 'P', 'K', 3, 4)) {
            return "a zip archive (an NPZ dataset?)";
        }
        if (starts(b, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
            return "a numpy .npy array";
        }
        if (starts(b, '%', 'P', 'D', 'F')) {
            return "a PDF document";
        }
        if (starts(b, 0x1F, 0x8B)) {
            return "a gzip archive";
        }
        if (starts(b, 0x80) && b.length > 1 && b[1] >= 2 && b[1] <= 5) {
            return "a Python pickle (a PyTorch checkpoint? export it with torch.onnx.export)";
        }
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1).stripLeading();
        if (head.startsWith("{") || head.startsWith("[")) {
            return "JSON text";
        }
        if (head.startsWith("<")) {
            return "HTML or XML text";
        }
        return null;
    }

    private static boolean starts(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != (prefix[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
