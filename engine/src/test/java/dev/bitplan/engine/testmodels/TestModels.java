package dev.bitplan.engine.testmodels;

import static dev.bitplan.engine.testmodels.GraphBuilder.FLOAT;
import static dev.bitplan.engine.testmodels.GraphBuilder.INT64;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Small ONNX models built in code that reproduce the awkward shapes of real exports (weights
 * behind Transpose/Reshape, Shape-driven reshapes, Constant nodes, BatchNorm, depthwise and
 * grouped convolutions, custom domains, external data, missing shapes).
 *
 * <p>Every factory is deterministic: the same call gives byte-identical models. Quantizable layer
 * node names (Conv/ConvTranspose/Gemm/MatMul/Gather whose weight is constant) are listed in the
 * {@code *_LAYERS} constants and {@link #mlpChainLayers(int)}, in graph order.
 */
public final class TestModels {

    /** Vocabulary size of {@link #transformerLike}. */
    public static final int VOCAB = 50;
    /** Sequence length of {@link #transformerLike}. */
    public static final int SEQ = 8;
    /** Hidden width of {@link #transformerLike}. */
    public static final int HIDDEN = 16;
    /** Feed-forward width of {@link #transformerLike}. */
    public static final int FF = 32;
    /** Number of logits of {@link #transformerLike}. */
    public static final int TRANSFORMER_CLASSES = 4;

    /** Input channels and spatial size of {@link #smallCnn}: input is [batch, 3, 16, 16]. */
    public static final int CNN_CHANNELS = 3;
    public static final int CNN_SIZE = 16;
    /** Number of logits of {@link #smallCnn}. */
    public static final int CNN_CLASSES = 5;

    /** Width of {@link #mlpChain} hidden layers and its input. */
    public static final int MLP_WIDTH = 16;
    /** Number of logits of {@link #mlpChain}. */
    public static final int MLP_CLASSES = 4;

    /** Byte length of the external weight of {@link #withExternalData}: float [2, 1, 3, 3]. */
    public static final long EXTERNAL_WEIGHT_LENGTH = 2 * 3 * 3 * 4;

    /** Quantizable layers of {@link #transformerLike}, in graph order. */
    public static final List<String> TRANSFORMER_LAYERS = List.of(
            "/embed/Gather", "/mlp/fc1/MatMul", "/mlp/fc2/MatMul", "/head/MatMul");

    /** Quantizable layers of {@link #smallCnn}, in graph order. */
    public static final List<String> CNN_LAYERS = List.of(
            "/features/conv1/Conv", "/features/dwconv/Conv", "/features/pwconv/Conv",
            "/features/up/ConvTranspose", "/features/down/Conv", "/classifier/Gemm");

    /** Quantizable layers of {@link #withCustomDomainOp}, {@link #withExternalData} and {@link #withoutInputShape}. */
    public static final List<String> CUSTOM_DOMAIN_LAYERS = List.of("/fc/MatMul");
    public static final List<String> EXTERNAL_DATA_LAYERS = List.of("/conv/Conv");
    public static final List<String> NO_SHAPE_LAYERS = List.of("/fc/MatMul");

    /** Domain of the custom operator in {@link #withCustomDomainOp}. */
    public static final String CUSTOM_DOMAIN = "com.example.custom";

    private TestModels() {
    }

    /**
     * Transformer-like token model exercising Gather embeddings, Shape/Gather/Concat/Reshape chains,
     * weights behind Transpose/Reshape, separate bias Adds, Constant-fed Clip, Identity and ReduceMean.
     *
     * <p>Graph: {@code tokens} int64 [batch, 8] (or [1, 8] when {@code fixedBatchOne}) -> Gather on
     * an embedding table [50, 16] -> Add positional table [8, 16] -> Reshape to [batch*8, 16] with a
     * shape computed from {@code Shape} (Shape -> Gather -> Mul -> Unsqueeze -> Concat) -> Reshape
     * back to [-1, 8, 16] -> MatMul with {@code Transpose(init [32, 16])} -> Add bias -> Relu ->
     * MatMul with {@code Reshape(init [512], [32, 16])} -> Add bias -> Clip(0, 6) with Constant
     * min/max -> Identity -> ReduceMean(axis 1) -> MatMul [16, 4] -> {@code logits} [batch, 4].
     *
     * <p>Supports default opsets 11 to 17 (tested at 11, 13 and 17): Unsqueeze takes {@code axes} as
     * an attribute before opset 13 and as an input from 13; ReduceMean's {@code axes} becomes an
     * input in opset 18, which this model does not build.
     */
    public static ModelProto transformerLike(int opset, boolean fixedBatchOne) {
        if (opset < 11 || opset > 17) {
            throw new IllegalArgumentException("transformerLike supports opsets 11..17, not " + opset);
        }
        GraphBuilder b = new GraphBuilder("transformer_like").opset(opset).seed(11).producer("pytorch");
        Object batch = fixedBatchOne ? (Object) 1 : "batch";
        String tokens = b.input("tokens", INT64, batch, SEQ);

        // embedding lookup: the table is the Gather's data input
        String table = b.normalInitializer("embed.weight", 0.0, 1.0, VOCAB, HIDDEN);
        String h = b.node("Gather").name("/embed/Gather").inputs(table, tokens).attrInt("axis", 0).add();
        String pos = b.normalInitializer("pos_embed", 0.0, 0.1, SEQ, HIDDEN);
        h = b.node("Add").name("/embed/Add").inputs(h, pos).add();

        // dynamic flatten to [batch*8, 16], computed from Shape as torch exports do
        String shape = b.node("Shape").name("/flatten/Shape").inputs(h).add();
        String zero = b.constantInt64("/flatten/Constant", new long[] {0});
        String batchDim = b.node("Gather").name("/flatten/Gather").inputs(shape, zero).attrInt("axis", 0).add();
        String seq = b.constantInt64("/flatten/Constant_1", new long[] {SEQ});
        String rows = b.node("Mul").name("/flatten/Mul").inputs(batchDim, seq).add();
        String rows1 = unsqueeze(b, "/flatten/Unsqueeze", rows, 0);
        String width = b.constantInt64("/flatten/Constant_2", new long[] {HIDDEN}, 1);
        String shape2d = b.node("Concat").name("/flatten/Concat").inputs(rows1, width).attrInt("axis", 0).add();
        String flat = b.node("Reshape").name("/flatten/Reshape").inputs(h, shape2d).add();
        String shape3d = b.constantInt64("/unflatten/Constant", new long[] {-1, SEQ, HIDDEN}, 3);
        h = b.node("Reshape").name("/unflatten/Reshape").inputs(flat, shape3d).add();

        // fc1: weight stored torch-style [out, in] and transposed in the graph
        String w1t = b.heWeight("mlp.fc1.weight", HIDDEN, FF, HIDDEN);
        String w1 = b.node("Transpose").name("/mlp/fc1/Transpose").inputs(w1t).attrInts("perm", 1, 0).add();
        h = b.node("MatMul").name("/mlp/fc1/MatMul").inputs(h, w1).add();
        String b1 = b.normalInitializer("mlp.fc1.bias", 0.0, 0.1, FF);
        h = b.node("Add").name("/mlp/fc1/Add").inputs(h, b1).add();
        h = b.node("Relu").name("/mlp/act/Relu").inputs(h).add();

        // fc2: weight stored flat and reshaped in the graph
        String w2flat = b.floatInitializer("mlp.fc2.weight_flat", b.heValues(FF, FF * HIDDEN), FF * HIDDEN);
        String w2shape = b.constantInt64("/mlp/fc2/Constant", new long[] {FF, HIDDEN}, 2);
        String w2 = b.node("Reshape").name("/mlp/fc2/Reshape").inputs(w2flat, w2shape).add();
        h = b.node("MatMul").name("/mlp/fc2/MatMul").inputs(h, w2).add();
        String b2 = b.normalInitializer("mlp.fc2.bias", 0.0, 0.1, HIDDEN);
        h = b.node("Add").name("/mlp/fc2/Add").inputs(h, b2).add();

        // ReLU6 with Constant-node bounds, then a pass-through Identity
        String lo = b.constantFloat("/act/Constant", new float[] {0f});
        String hi = b.constantFloat("/act/Constant_1", new float[] {6f});
        h = b.node("Clip").name("/act/Clip").inputs(h, lo, hi).add();
        h = b.node("Identity").name("/act/Identity").inputs(h).add();

        h = b.node("ReduceMean").name("/pool/ReduceMean").inputs(h)
                .attrInts("axes", 1).attrInt("keepdims", 0).add();
        String wh = b.heWeight("head.weight", HIDDEN, HIDDEN, TRANSFORMER_CLASSES);
        b.node("MatMul").name("/head/MatMul").inputs(h, wh).outputs("logits").add();
        b.output("logits", FLOAT, batch, TRANSFORMER_CLASSES);
        return b.build();
    }

    /** Quantizable layers of {@link #tokenEncoder}, in graph order. */
    public static final List<String> ENCODER_LAYERS = List.of("/embed/Gather", "/ffn/in/MatMul", "/ffn/out/MatMul", "/head/MatMul");

    /**
     * A BERT-shaped token encoder whose real tokens compute the same whatever padding follows them: {@code input_ids}
     * and {@code attention_mask} int64 [batch, tokens] (any length) -> Gather on an embedding table [50, 16] -> FFN
     * (MatMul [16, 32] + bias -> Relu -> MatMul [32, 16] + bias) -> residual Add with the embeddings -> plus the
     * masked mean over real tokens (Cast(mask) -> Unsqueeze -> Mul -> ReduceSum / ReduceSum) -> minus the mean over
     * the hidden axis (ReduceMean, Sub: a float op like LayerNorm reads the residual stream) -> MatMul [16, 16] + bias
     * -> {@code last_hidden_state} [batch, tokens, 16]. Opset 13.
     */
    public static ModelProto tokenEncoder() {
        GraphBuilder b = new GraphBuilder("token_encoder").opset(13).seed(31).producer("pytorch");
        String ids = b.input("input_ids", INT64, "batch", "tokens");
        String mask = b.input("attention_mask", INT64, "batch", "tokens");
        // id 0, the padding id, embeds 40x larger than real tokens: padding that leaked into calibration statistics or
        // dynamic ranges would widen them visibly
        float[] embeddings = TestData.floats(b.seed(), VOCAB * HIDDEN);
        for (int h = 0; h < HIDDEN; h++) {
            embeddings[h] *= 40;
        }
        String table = b.floatInitializer("embed.weight", embeddings, VOCAB, HIDDEN);
        String emb = b.node("Gather").name("/embed/Gather").inputs(table, ids).attrInt("axis", 0).add();
        String h = b.node("MatMul").name("/ffn/in/MatMul").inputs(emb, b.heWeight("ffn.in.weight", HIDDEN, HIDDEN, FF)).add();
        h = b.node("Add").name("/ffn/in/Add").inputs(h, b.normalInitializer("ffn.in.bias", 0.0, 0.1, FF)).add();
        h = b.node("Relu").name("/ffn/act/Relu").inputs(h).add();
        h = b.node("MatMul").name("/ffn/out/MatMul").inputs(h, b.heWeight("ffn.out.weight", FF, FF, HIDDEN)).add();
        h = b.node("Add").name("/ffn/out/Add").inputs(h, b.normalInitializer("ffn.out.bias", 0.0, 0.1, HIDDEN)).add();
        String r = b.node("Add").name("/ffn/residual/Add").inputs(emb, h).add();

        String m = b.node("Cast").name("/pool/Cast").inputs(mask).attrInt("to", FLOAT).add();
        m = b.node("Unsqueeze").name("/pool/Unsqueeze").inputs(m, b.constantInt64("/pool/Constant", new long[] {2}, 1)).add();
        String tokenAxis = b.constantInt64("/pool/Constant_1", new long[] {1}, 1);
        String sum = b.node("ReduceSum").name("/pool/ReduceSum").inputs(b.node("Mul").name("/pool/Mul").inputs(r, m).add(), tokenAxis)
                .attrInt("keepdims", 1).add();
        String count = b.node("ReduceSum").name("/pool/ReduceSum_1").inputs(m, tokenAxis).attrInt("keepdims", 1).add();
        String mean = b.node("Div").name("/pool/Div").inputs(sum, count).add();
        String y = b.node("Add").name("/pool/Add").inputs(r, mean).add();
        String mu = b.node("ReduceMean").name("/norm/ReduceMean").inputs(y).attrInts("axes", 2).attrInt("keepdims", 1).add();
        y = b.node("Sub").name("/norm/Sub").inputs(y, mu).add();

        y = b.node("MatMul").name("/head/MatMul").inputs(y, b.heWeight("head.weight", HIDDEN, HIDDEN, HIDDEN)).add();
        b.node("Add").name("/head/Add").inputs(y, b.normalInitializer("head.bias", 0.0, 0.1, HIDDEN)).outputs("last_hidden_state").add();
        b.output("last_hidden_state", FLOAT, "batch", "tokens", HIDDEN);
        return b.build();
    }

    /** Quantizable layers of {@link #layerNormEncoder}, in graph order. */
    public static final List<String> LAYER_NORM_ENCODER_LAYERS = List.of("/embed/Gather", "/attn/query/MatMul", "/attn/value/MatMul",
            "/head/MatMul");

    /**
     * A post-LN, BERT-shaped block with activation outliers, for SmoothQuant: {@code input_ids}, {@code attention_mask}
     * int64 [batch, tokens] -> Gather on [50, 16] (channels 3 and 11 twenty times larger) -> LayerNorm 1 (gamma and
     * beta with outliers of their own) read by two MatMul layers [16, 16] + bias ("query" and "value") and by the
     * residual Add -> Add(Relu(query), value) -> residual Add -> LayerNorm 2 read only by the head MatMul [16, 16] + bias
     * -> {@code last_hidden_state} [batch, tokens, 16]. With {@code fusedOp} both LayerNorms are the
     * {@code LayerNormalization} op (opset 17); without, the decomposed form an opset-11 export has (ReduceMean, Sub,
     * Pow, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta; opset 13).
     */
    public static ModelProto layerNormEncoder(boolean fusedOp) {
        GraphBuilder b = new GraphBuilder("layer_norm_encoder").opset(fusedOp ? 17 : 13).seed(37).producer("pytorch");
        String ids = b.input("input_ids", INT64, "batch", "tokens");
        b.input("attention_mask", INT64, "batch", "tokens");
        float[] embeddings = TestData.floats(b.seed(), VOCAB * HIDDEN);
        for (int v = 0; v < VOCAB; v++) {
            embeddings[v * HIDDEN + 3] *= 20;
            embeddings[v * HIDDEN + 11] *= 20;
        }
        String table = b.floatInitializer("embed.weight", embeddings, VOCAB, HIDDEN);
        String emb = b.node("Gather").name("/embed/Gather").inputs(table, ids).attrInt("axis", 0).add();
        String n1 = layerNorm(b, "/ln1", "ln1", emb, fusedOp, 5);
        String q = b.node("MatMul").name("/attn/query/MatMul").inputs(n1, b.heWeight("attn.query.weight", HIDDEN, HIDDEN, HIDDEN)).add();
        q = b.node("Add").name("/attn/query/Add").inputs(q, b.normalInitializer("attn.query.bias", 0.0, 0.1, HIDDEN)).add();
        String v = b.node("MatMul").name("/attn/value/MatMul").inputs(n1, b.heWeight("attn.value.weight", HIDDEN, HIDDEN, HIDDEN)).add();
        v = b.node("Add").name("/attn/value/Add").inputs(v, b.normalInitializer("attn.value.bias", 0.0, 0.1, HIDDEN)).add();
        String h = b.node("Add").name("/attn/mix/Add").inputs(b.node("Relu").name("/attn/act/Relu").inputs(q).add(), v).add();
        String r = b.node("Add").name("/attn/residual/Add").inputs(n1, h).add();
        String n2 = layerNorm(b, "/ln2", "ln2", r, fusedOp, 9);
        String y = b.node("MatMul").name("/head/MatMul").inputs(n2, b.heWeight("head.weight", HIDDEN, HIDDEN, HIDDEN)).add();
        b.node("Add").name("/head/Add").inputs(y, b.normalInitializer("head.bias", 0.0, 0.1, HIDDEN)).outputs("last_hidden_state").add();
        b.output("last_hidden_state", FLOAT, "batch", "tokens", HIDDEN);
        return b.build();
    }

    /** Heads of {@link #attentionEncoder}: 2 of 8 dimensions each. */
    public static final int ATTENTION_HEADS = 2;

    /**
     * One BERT self-attention block as HuggingFace exports it (opset 13): {@code input_ids}, {@code attention_mask} int64
     * [batch, tokens] -> Gather on [50, 16] -> query / key / value MatMul [16, 16] + bias -> Reshape [0, 0, 2, 8] ->
     * Transpose (key to [0, 2, 3, 1]) -> MatMul(Q, K^T) -> Div by {@code scoreDivisor} -> Add the mask
     * {@code (1 - float(mask[:, None, None, :])) * -3.4e38} -> Softmax -> MatMul(., V) -> Transpose -> Reshape [0, 0, 16]
     * -> output dense MatMul [16, 16] + bias -> {@code last_hidden_state}. With {@code queryIsOutput} the query projection
     * is a graph output as well.
     */
    public static ModelProto attentionEncoder(float scoreDivisor, boolean queryIsOutput) {
        GraphBuilder b = new GraphBuilder("attention_encoder").opset(13).seed(41).producer("pytorch");
        String ids = b.input("input_ids", INT64, "batch", "tokens");
        String mask = b.input("attention_mask", INT64, "batch", "tokens");
        String x = b.node("Gather").name("/embed/Gather")
                .inputs(b.normalInitializer("embed.weight", 0.0, 1.0, VOCAB, HIDDEN), ids).attrInt("axis", 0).add();
        String heads = b.int64Initializer("heads_shape", new long[] {0, 0, ATTENTION_HEADS, HIDDEN / ATTENTION_HEADS}, 4);
        String[] split = new String[3];
        String[] names = {"query", "key", "value"};
        for (int i = 0; i < 3; i++) {
            String p = "/attn/self/" + names[i];
            String y = b.node("MatMul").name(p + "/MatMul").inputs(x, b.heWeight("attn." + names[i] + ".weight", HIDDEN, HIDDEN, HIDDEN)).add();
            y = b.node("Add").name(p + "/Add").inputs(b.normalInitializer("attn." + names[i] + ".bias", 0.0, 0.1, HIDDEN), y)
                    .outputs(i == 0 && queryIsOutput ? "query" : p + "/Add_output_0").add();
            String r = b.node("Reshape").name(p + "/Reshape").inputs(y, heads).add();
            split[i] = b.node("Transpose").name(p + "/Transpose").inputs(r).attrInts("perm", i == 1 ? new long[] {0, 2, 3, 1}
                    : new long[] {0, 2, 1, 3}).add();
        }
        String scores = b.node("MatMul").name("/attn/self/MatMul").inputs(split[0], split[1]).add();
        scores = b.node("Div").name("/attn/self/Div").inputs(scores, b.floatInitializer("score_divisor", new float[] {scoreDivisor})).add();
        String m = b.node("Unsqueeze").name("/Unsqueeze").inputs(mask, b.int64Initializer("axes_1", new long[] {1}, 1)).add();
        m = b.node("Unsqueeze").name("/Unsqueeze_1").inputs(m, b.int64Initializer("axes_2", new long[] {2}, 1)).add();
        m = b.node("Cast").name("/Cast").inputs(m).attrInt("to", FLOAT).add();
        m = b.node("Sub").name("/Sub").inputs(b.floatInitializer("one", new float[] {1f}), m).add();
        m = b.node("Mul").name("/Mul").inputs(m, b.floatInitializer("mask_min", new float[] {-Float.MAX_VALUE})).add();
        String probs = b.node("Softmax").name("/attn/self/Softmax").inputs(b.node("Add").name("/attn/self/Add").inputs(scores, m).add())
                .attrInt("axis", -1).add();
        String context = b.node("MatMul").name("/attn/self/MatMul_1").inputs(probs, split[2]).add();
        context = b.node("Transpose").name("/attn/self/Transpose_3").inputs(context).attrInts("perm", 0, 2, 1, 3).add();
        context = b.node("Reshape").name("/attn/self/Reshape_3")
                .inputs(context, b.int64Initializer("hidden_shape", new long[] {0, 0, HIDDEN}, 3)).add();
        String y = b.node("MatMul").name("/attn/output/dense/MatMul").inputs(context, b.heWeight("attn.output.weight", HIDDEN, HIDDEN, HIDDEN)).add();
        b.node("Add").name("/attn/output/dense/Add").inputs(y, b.normalInitializer("attn.output.bias", 0.0, 0.1, HIDDEN))
                .outputs("last_hidden_state").add();
        b.output("last_hidden_state", FLOAT, "batch", "tokens", HIDDEN);
        if (queryIsOutput) {
            b.output("query", FLOAT, "batch", "tokens", HIDDEN);
        }
        return b.build();
    }

    /** A LayerNorm over the last axis whose gamma is 1 +- 0.2 but 8 at {@code outlier}, and beta 0 +- 0.1. */
    static String layerNorm(GraphBuilder b, String prefix, String params, String x, boolean fusedOp, int outlier) {
        float[] g = new float[HIDDEN];
        java.util.Random random = new java.util.Random(b.seed() + outlier);
        for (int c = 0; c < HIDDEN; c++) {
            g[c] = c == outlier ? 8f : 1f + 0.2f * (float) random.nextGaussian();
        }
        String gamma = b.floatInitializer(params + ".weight", g, HIDDEN);
        String beta = b.normalInitializer(params + ".bias", 0.0, 0.1, HIDDEN);
        if (fusedOp) {
            return b.node("LayerNormalization").name(prefix + "/LayerNormalization").inputs(x, gamma, beta).attrInt("axis", -1)
                    .attrFloat("epsilon", 1e-12f).add();
        }
        String mu = b.node("ReduceMean").name(prefix + "/ReduceMean").inputs(x).attrInts("axes", -1).attrInt("keepdims", 1).add();
        String d = b.node("Sub").name(prefix + "/Sub").inputs(x, mu).add();
        String sq = b.node("Pow").name(prefix + "/Pow").inputs(d, b.constantFloat(prefix + "/Constant", new float[] {2f})).add();
        String var = b.node("ReduceMean").name(prefix + "/ReduceMean_1").inputs(sq).attrInts("axes", -1).attrInt("keepdims", 1).add();
        String std = b.node("Sqrt").name(prefix + "/Sqrt").inputs(
                b.node("Add").name(prefix + "/Add").inputs(var, b.constantFloat(prefix + "/Constant_1", new float[] {1e-12f})).add()).add();
        String n = b.node("Div").name(prefix + "/Div").inputs(d, std).add();
        String scaled = b.node("Mul").name(prefix + "/Mul").inputs(n, gamma).add();
        return b.node("Add").name(prefix + "/Add_1").inputs(scaled, beta).add();
    }

    /**
     * Small CNN exercising Conv with/without bias, BatchNormalization (to fold), depthwise and
     * grouped Conv, ReLU6 as Clip, ConvTranspose, strided Conv, GlobalAveragePool, Flatten and Gemm.
     *
     * <p>Graph: {@code input} [batch, 3, 16, 16] -> Conv 3->8 k3 p1 (bias) -> BN -> Relu ->
     * depthwise Conv 8->8 k3 p1 group 8 (no bias) -> BN -> Clip(0, 6) -> grouped Conv 8->8 k1
     * group 2 (bias) -> Relu -> ConvTranspose 8->4 k2 s2 (bias) -> Relu -> Conv 4->8 k3 s2 p1
     * (no bias) -> GlobalAveragePool -> Flatten -> Gemm (transB=1, [5, 8], bias [5]) ->
     * {@code logits} [batch, 5].
     *
     * <p>Supports default opsets 9 to 21: from opset 11 Clip bounds are Constant-node inputs, before
     * that they are {@code min}/{@code max} attributes.
     */
    public static ModelProto smallCnn(int opset) {
        if (opset < 9 || opset > 21) {
            throw new IllegalArgumentException("smallCnn supports opsets 9..21, not " + opset);
        }
        GraphBuilder b = new GraphBuilder("small_cnn").opset(opset).seed(23).producer("pytorch");
        String x = b.input("input", FLOAT, "batch", CNN_CHANNELS, CNN_SIZE, CNN_SIZE);

        String w = b.heWeight("features.conv1.weight", 3 * 3 * 3, 8, 3, 3, 3);
        String bias = b.normalInitializer("features.conv1.bias", 0.0, 0.1, 8);
        String h = conv(b, "/features/conv1/Conv", x, w, bias, 3, 1, 1, 1);
        h = batchNorm(b, "/features/bn1", "features.bn1", h, 8);
        h = b.node("Relu").name("/features/relu1/Relu").inputs(h).add();

        w = b.heWeight("features.dwconv.weight", 3 * 3, 8, 1, 3, 3);
        h = conv(b, "/features/dwconv/Conv", h, w, null, 3, 1, 1, 8);
        h = batchNorm(b, "/features/bn2", "features.bn2", h, 8);
        h = clip(b, "/features/relu6", h, 0f, 6f);

        w = b.heWeight("features.pwconv.weight", 4, 8, 4, 1, 1);
        bias = b.normalInitializer("features.pwconv.bias", 0.0, 0.1, 8);
        h = conv(b, "/features/pwconv/Conv", h, w, bias, 1, 1, 0, 2);
        h = b.node("Relu").name("/features/relu2/Relu").inputs(h).add();

        // ConvTranspose weight layout is [C_in, C_out / group, kH, kW]
        w = b.heWeight("features.up.weight", 8, 8, 4, 2, 2);
        bias = b.normalInitializer("features.up.bias", 0.0, 0.1, 4);
        h = b.node("ConvTranspose").name("/features/up/ConvTranspose").inputs(h, w, bias)
                .attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2)
                .attrInts("pads", 0, 0, 0, 0).attrInts("dilations", 1, 1).attrInt("group", 1).add();
        h = b.node("Relu").name("/features/relu3/Relu").inputs(h).add();

        w = b.heWeight("features.down.weight", 4 * 3 * 3, 8, 4, 3, 3);
        h = conv(b, "/features/down/Conv", h, w, null, 3, 2, 1, 1);

        h = b.node("GlobalAveragePool").name("/pool/GlobalAveragePool").inputs(h).add();
        h = b.node("Flatten").name("/flatten/Flatten").inputs(h).attrInt("axis", 1).add();
        w = b.heWeight("classifier.weight", 8, CNN_CLASSES, 8);
        bias = b.normalInitializer("classifier.bias", 0.0, 0.1, CNN_CLASSES);
        b.node("Gemm").name("/classifier/Gemm").inputs(h, w, bias)
                .attrFloat("alpha", 1f).attrFloat("beta", 1f).attrInt("transB", 1).outputs("logits").add();
        b.output("logits", FLOAT, "batch", CNN_CLASSES);
        return b.build();
    }

    /**
     * Chain of {@code layers} fully connected layers (width 16, Relu between, last one 16 -> 4) small
     * enough to enumerate every quantization plan; even layers are Gemm (transB=1, weight [out, in]),
     * odd layers MatMul (weight [in, out]) plus a separate bias Add. Input {@code input} [batch, 16],
     * output {@code logits} [batch, 4], opset 13.
     */
    public static ModelProto mlpChain(int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, not " + layers);
        }
        GraphBuilder b = new GraphBuilder("mlp_chain").opset(13).seed(31).producer("pytorch");
        String h = b.input("input", FLOAT, "batch", MLP_WIDTH);
        for (int i = 0; i < layers; i++) {
            boolean last = i == layers - 1;
            int out = last ? MLP_CLASSES : MLP_WIDTH;
            String prefix = "/layers." + i;
            String w;
            String bias;
            GraphBuilder.NodeBuilder node;
            if (i % 2 == 0) {
                w = b.heWeight("layers." + i + ".weight", MLP_WIDTH, out, MLP_WIDTH);
                bias = b.normalInitializer("layers." + i + ".bias", 0.0, 0.1, out);
                node = b.node("Gemm").name(prefix + "/Gemm").inputs(h, w, bias).attrInt("transB", 1);
            } else {
                w = b.heWeight("layers." + i + ".weight", MLP_WIDTH, MLP_WIDTH, out);
                bias = b.normalInitializer("layers." + i + ".bias", 0.0, 0.1, out);
                String mm = b.node("MatMul").name(prefix + "/MatMul").inputs(h, w).add();
                node = b.node("Add").name(prefix + "/Add").inputs(mm, bias);
            }
            if (last) {
                node.outputs("logits");
            }
            h = node.add();
            if (!last) {
                h = b.node("Relu").name(prefix + "/Relu").inputs(h).add();
            }
        }
        b.output("logits", FLOAT, "batch", MLP_CLASSES);
        return b.build();
    }

    /** Quantizable layer node names of {@link #mlpChain(int)}, in graph order. */
    public static List<String> mlpChainLayers(int layers) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            names.add("/layers." + i + (i % 2 == 0 ? "/Gemm" : "/MatMul"));
        }
        return names;
    }

    /**
     * Tiny model with a node from the custom domain {@value #CUSTOM_DOMAIN} (and its opset_import),
     * which ONNX Runtime cannot run: input [batch, 4] -> MatMul [4, 4] -> custom FancyActivation.
     */
    public static ModelProto withCustomDomainOp() {
        GraphBuilder b = new GraphBuilder("custom_domain").opset(13).seed(41)
                .opsetImport(CUSTOM_DOMAIN, 1);
        String x = b.input("input", FLOAT, "batch", 4);
        String w = b.heWeight("fc.weight", 4, 4, 4);
        String h = b.node("MatMul").name("/fc/MatMul").inputs(x, w).add();
        b.node("FancyActivation").domain(CUSTOM_DOMAIN).name("/act/FancyActivation").inputs(h)
                .attrFloat("alpha", 0.5f).outputs("output").add();
        b.output("output", FLOAT, "batch", 4);
        return b.build();
    }

    /**
     * Tiny Conv model (input [1, 1, 4, 4], weight [2, 1, 3, 3]) whose weight initializer has
     * data_location EXTERNAL with {@code location} as given, offset 0, length
     * {@value #EXTERNAL_WEIGHT_LENGTH} and no data: for testing that unsafe locations such as
     * {@code /etc/passwd} or {@code ../../secret} are refused.
     */
    public static ModelProto withExternalData(String location) {
        GraphBuilder b = new GraphBuilder("external_data").opset(13).seed(43);
        String x = b.input("input", FLOAT, 1, 1, 4, 4);
        TensorProto weight = TensorProto.newBuilder()
                .setName("conv.weight")
                .setDataType(FLOAT)
                .addDims(2).addDims(1).addDims(3).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", "0"))
                .addExternalData(entry("length", Long.toString(EXTERNAL_WEIGHT_LENGTH)))
                .build();
        String w = b.initializer(weight);
        String bias = b.floatInitializer("conv.bias", new float[] {0.1f, -0.1f}, 2);
        conv(b, "/conv/Conv", x, w, bias, 3, 1, 1, 1, "output");
        b.output("output", FLOAT, 1, 2, 4, 4);
        return b.build();
    }

    /**
     * Model whose graph input {@code input} has a tensor type with no shape field (and an output
     * without shape): input -> MatMul [4, 3] -> output. Runs in ONNX Runtime with [n, 4] inputs.
     */
    public static ModelProto withoutInputShape() {
        GraphBuilder b = new GraphBuilder("no_input_shape").opset(13).seed(47);
        String x = b.inputWithoutShape("input", FLOAT);
        String w = b.heWeight("fc.weight", 4, 4, 3);
        b.node("MatMul").name("/fc/MatMul").inputs(x, w).outputs("output").add();
        b.outputWithoutShape("output", FLOAT);
        return b.build();
    }

    /** Model with nothing to quantize, only Relu and Add: input [batch, 4] -> Relu -> Add(input) -> output. */
    public static ModelProto noQuantizableLayer() {
        GraphBuilder b = new GraphBuilder("no_quantizable_layer").opset(13);
        String x = b.input("input", FLOAT, "batch", 4);
        String h = b.node("Relu").name("/act/Relu").inputs(x).add();
        b.node("Add").name("/residual/Add").inputs(h, x).outputs("output").add();
        b.output("output", FLOAT, "batch", 4);
        return b.build();
    }

    // ------------------------------------------------------------------ helpers

    /** Unsqueeze with {@code axes} as attribute (opset < 13) or as a Constant-fed input (opset >= 13). */
    static String unsqueeze(GraphBuilder b, String nodeName, String x, long axis) {
        if (b.opset() >= 13) {
            String axes = b.constantInt64(nodeName + "/Constant", new long[] {axis}, 1);
            return b.node("Unsqueeze").name(nodeName).inputs(x, axes).add();
        }
        return b.node("Unsqueeze").name(nodeName).inputs(x).attrInts("axes", axis).add();
    }

    /** Square 2-D Conv; {@code bias} may be null. */
    static String conv(GraphBuilder b, String nodeName, String x, String w, String bias,
                       int kernel, int stride, int pad, int group) {
        return conv(b, nodeName, x, w, bias, kernel, stride, pad, group, null);
    }

    private static String conv(GraphBuilder b, String nodeName, String x, String w, String bias,
                               int kernel, int stride, int pad, int group, String output) {
        GraphBuilder.NodeBuilder node = b.node("Conv").name(nodeName);
        if (bias == null) {
            node.inputs(x, w);
        } else {
            node.inputs(x, w, bias);
        }
        node.attrInts("dilations", 1, 1).attrInt("group", group)
                .attrInts("kernel_shape", kernel, kernel)
                .attrInts("pads", pad, pad, pad, pad)
                .attrInts("strides", stride, stride);
        if (output != null) {
            node.outputs(output);
        }
        return node.add();
    }

    /** Inference BatchNormalization with seeded non-trivial scale/bias/mean and positive variance. */
    static String batchNorm(GraphBuilder b, String prefix, String paramPrefix, String x, int channels) {
        String scale = b.uniformInitializer(paramPrefix + ".weight", 0.5, 1.5, channels);
        String shift = b.normalInitializer(paramPrefix + ".bias", 0.0, 0.2, channels);
        String mean = b.normalInitializer(paramPrefix + ".running_mean", 0.0, 0.2, channels);
        String var = b.uniformInitializer(paramPrefix + ".running_var", 0.5, 2.0, channels);
        return b.node("BatchNormalization").name(prefix + "/BatchNormalization")
                .inputs(x, scale, shift, mean, var)
                .attrFloat("epsilon", 1e-5f).attrFloat("momentum", 0.9f).add();
    }

    /** Clip(lo, hi): Constant-node min/max inputs from opset 11, attributes before. */
    static String clip(GraphBuilder b, String prefix, String x, float lo, float hi) {
        if (b.opset() >= 11) {
            String min = b.constantFloat(prefix + "/Constant", new float[] {lo});
            String max = b.constantFloat(prefix + "/Constant_1", new float[] {hi});
            return b.node("Clip").name(prefix + "/Clip").inputs(x, min, max).add();
        }
        return b.node("Clip").name(prefix + "/Clip").inputs(x)
                .attrFloat("min", lo).attrFloat("max", hi).add();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
