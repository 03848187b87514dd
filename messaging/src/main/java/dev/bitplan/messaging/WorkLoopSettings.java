package dev.bitplan.messaging;

import java.util.Properties;
import java.util.function.Predicate;

/** Everything a {@link WorkLoop} is started with, checked by {@link WorkLoopBuilder#start()}. */
record WorkLoopSettings<T>(String topic, Class<T> type, WorkHandler<T> handler, String bootstrap, String group, String workerId,
                           int sessionTimeoutMs, RetryPolicy retry, Predicate<Throwable> permanent, Publisher publisher,
                           JobControlListener cancellations, Properties consumerOverrides) {
}
