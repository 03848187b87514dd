package dev.bitplan.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.bitplan.contracts.plan.Metric;

/**
 * What the quantized student is trained to match: the FP32 teacher's outputs, by the metric's kind. Classifiers: KL of
 * the softmax at a temperature (times T^2, so gradients keep their size), plus cross-entropy on labels when weighted.
 * Token models: 1 - cosine of each real token's hidden state (padding never counts). Anything else: mean squared error.
 */
public final class DistillationLoss {

    private final Metric metric;
    private final double temperature;
    private final double labelWeight;

    public DistillationLoss(Metric metric, double temperature, double labelWeight) {
        this.metric = metric;
        this.temperature = temperature;
        this.labelWeight = labelWeight;
    }

    /**
     * @param mask    the batch's attention mask [batch, tokens] for token models, else null
     * @param labels  the batch's labels [batch] (int64) when {@code labelWeight} > 0, else null
     */
    public NDArray loss(NDArray student, NDArray teacher, NDArray mask, NDArray labels) {
        if (metric.classifier()) {
            return classifier(student, teacher, labels);
        }
        if (metric.perToken() && mask != null) {
            return tokenCosine(student, teacher, mask);
        }
        return student.sub(teacher).square().mean();
    }

    private NDArray classifier(NDArray student, NDArray teacher, NDArray labels) {
        float t = (float) temperature;
        NDArray logTeacher = teacher.div(t).logSoftmax(-1);
        NDArray logStudent = student.div(t).logSoftmax(-1);
        long batch = student.getShape().get(0);
        NDArray kl = logTeacher.exp().mul(logTeacher.sub(logStudent)).sum().div(batch).mul(t * t);
        if (labelWeight == 0 || labels == null) {
            return kl;
        }
        int classes = (int) student.getShape().get(student.getShape().dimension() - 1);
        NDArray oneHot = labels.oneHot(classes, DataType.FLOAT32);
        NDArray crossEntropy = oneHot.mul(student.logSoftmax(-1)).sum().neg().div(batch);
        return kl.add(crossEntropy.mul((float) labelWeight));
    }

    private static NDArray tokenCosine(NDArray student, NDArray teacher, NDArray mask) {
        NDArray dot = student.mul(teacher).sum(new int[] {-1});
        NDArray norms = student.norm(new int[] {-1}).mul(teacher.norm(new int[] {-1})).add(1e-12f);
        NDArray real = mask.toType(DataType.FLOAT32, false);
        NDArray distance = dot.div(norms).neg().add(1f).mul(real);
        return distance.sum().div(real.sum());
    }
}
