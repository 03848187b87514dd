package dev.bitplan.messaging;

import dev.bitplan.contracts.messaging.JobControl;
import dev.bitplan.contracts.messaging.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Follows {@code bitplan.job.control} and remembers which jobs were cancelled, for running work to check.
 * Every worker must see every command, so this reads all partitions itself (assigned, no consumer group to
 * share them with) from the end at start; a command issued while the worker was down is caught by the
 * job-status check the handlers make before they start.
 */
public final class JobControlListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobControlListener.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public JobControlListener(String bootstrap, String workerId) {
        Properties p = KafkaSettings.consumer(bootstrap, "unused", null, 10_000);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-control");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(p);
        this.thread = new Thread(this::run, "bitplan-control-" + workerId);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** Marks a job cancelled here without a command (the api reported it cancelled). */
    public void cancel(String jobId) {
        cancelled.add(jobId);
    }

    /** Waits until the listener reads from the end of the topic: commands sent after this returns are seen. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "the end" now, not at the first fetch
            ready.countDown();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                        apply(r);
                    }
                } catch (WakeupException e) {
                    // close() asked us to stop
                } catch (KafkaException e) {
                    if (running) {
                        LOG.warnf("reading job control commands failed, trying again: %s", e.getMessage());
                        sleepQuietly(1000);
                    }
                }
            }
        } catch (WakeupException e) {
            // closed while starting
        } catch (RuntimeException e) {
            LOG.errorf(e, "job control listener stopped: cancellations will not reach running work on this worker");
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions() {
        while (running) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOB_CONTROL, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            LOG.warnf("topic %s does not exist yet; waiting for it", Topics.JOB_CONTROL);
            sleepQuietly(1000);
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            JobControl command = JsonSerde.read(r.value(), JobControl.class);
            if (command != null && command.action() == JobControl.Action.CANCEL && command.jobId() != null) {
                if (cancelled.add(command.jobId())) {
                    LOG.infof("job %s cancelled", command.jobId());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("ignoring an unreadable job control command at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
