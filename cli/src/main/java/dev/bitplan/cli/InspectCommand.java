package dev.bitplan.cli;

import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.report.ModelInspection;
import dev.bitplan.contracts.report.ModelInspection.LayerInfo;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import dev.bitplan.engine.eval.ModelInspector;
import dev.bitplan.engine.onnx.ModelLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bitplan inspect}: inputs, outputs, opset, quantizable layers and what blocks quantization. */
@Command(name = "inspect", description = "Show a model's inputs, outputs, opset and quantizable layers.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "ONNX model file")
    Path model;

    @Option(names = "--json", description = "print one JSON object instead of tables")
    boolean json;

    @Override
    public Integer call() {
        ModelInspection m = ModelInspector.inspect(ModelLoader.load(model));
        if (json) {
            System.out.println(Json.write(m));
            return 0;
        }
        System.out.printf("model     %s%nopset     %d (IR %d)%s%nproducer  %s%nfp32 size %,d bytes%n", model, m.opset(), m.irVersion(),
                m.sourceOpset() < m.opset() ? ", upgraded on load from opset " + m.sourceOpset() : "",
                m.producer().isEmpty() ? "-" : m.producer(), m.fp32Bytes());
        for (TensorSpec t : m.inputs()) {
            System.out.printf("input     %s %s %s%n", t.name(), t.elementType(), Tables.shape(t.shape()));
        }
        for (TensorSpec t : m.outputs()) {
            System.out.printf("output    %s %s %s%n", t.name(), t.elementType(), Tables.shape(t.shape()));
        }
        System.out.println();
        Tables table = new Tables("layer", "pattern", "weight", "params", "MACs", "fusion modes");
        long params = 0;
        long macs = 0;
        for (LayerInfo l : m.layers()) {
            table.row(l.name(), l.pattern(), Tables.shape(l.weightShape()), String.format("%,d", l.params()),
                    String.format("%,d", l.macs()), String.join(",", l.fusionModes()));
            params += l.params();
            macs += l.macs();
        }
        table.row("total: " + m.layers().size() + " layers", "", "", String.format("%,d", params), String.format("%,d", macs), "");
        table.print(System.out);
        for (String b : m.blockers()) {
            System.out.println("not quantized: " + b);
        }
        return 0;
    }
}
