package dev.bitplan.api.service;

import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.Method;

/** The QAT fields of a job: method qat needs its training set, and the QAT fields mean nothing to method ptq. */
final class QatSettings {

    static final String TRAIN_DATA = "spec.trainData";

    private QatSettings() {
    }

    static void check(JobSpec spec) {
        if (spec.method() == Method.QAT && spec.trainData() == null) {
            throw new UnprocessableRequestException(TRAIN_DATA, "method qat needs spec.trainData: the id of an uploaded dataset "
                    + "(POST /api/datasets) each candidate is fine-tuned on; labels are not needed");
        }
        if (spec.method() == Method.PTQ) {
            String field = spec.trainData() != null ? TRAIN_DATA : spec.qatSteps() != null ? "spec.qatSteps"
                    : spec.qatEpochs() != null ? "spec.qatEpochs" : spec.qatLearnRanges() != null ? "spec.qatLearnRanges" : null;
            if (field != null) {
                throw new UnprocessableRequestException(field, field + " is read only by method qat; set spec.method to qat "
                        + "or leave " + field + " out");
            }
        }
    }
}
