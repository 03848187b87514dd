package dev.bitplan.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) running in this JVM. Settings are the
 * ones that make consumer groups on one broker fast: replication 1, no initial rebalance delay.
 */
public final class LocalKafka implements AutoCloseable {

    // a persistent log directory must always be formatted with the same cluster id
    private static final String CLUSTER_ID = "Yml0cGxhbi1sb2NhbC0x";

    private KafkaRaftServer server;
    private final Properties props;
    private final int port;
    private final Path logDir;
    private final boolean temporary;
    private boolean closed;

    private LocalKafka(KafkaRaftServer server, Properties props, int port, Path logDir, boolean temporary) {
        this.server = server;
        this.props = props;
        this.port = port;
        this.logDir = logDir;
        this.temporary = temporary;
    }

    /**
     * @param logDir  kept between runs; null for a throw-away directory
     * @param port    0 picks a free port
     */
    public static LocalKafka start(Path logDir, int port) {
        try {
            boolean temporary = logDir == null;
            Path dir = temporary ? Files.createTempDirectory("bitplan-kafka") : Files.createDirectories(logDir);
            int brokerPort = port > 0 ? port : LocalResources.freePort();
            int controllerPort = LocalResources.freePort();
            Properties props = new Properties();
            props.putAll(Map.ofEntries(
                    Map.entry("process.roles", "broker,controller"),
                    Map.entry("node.id", "1"),
                    Map.entry("controller.quorum.voters", "1@localhost:" + controllerPort),
                    Map.entry("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort),
                    Map.entry("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort),
                    Map.entry("controller.listener.names", "CONTROLLER"),
                    Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                    Map.entry("log.dirs", dir.toString()),
                    Map.entry("num.partitions", "4"),
                    Map.entry("offsets.topic.replication.factor", "1"),
                    Map.entry("offsets.topic.num.partitions", "1"),
                    Map.entry("group.initial.rebalance.delay.ms", "0"),
                    Map.entry("transaction.state.log.replication.factor", "1"),
                    Map.entry("transaction.state.log.min.isr", "1"),
                    Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                    Map.entry("share.coordinator.state.topic.min.isr", "1"),
                    // the clients' largest record (exported models go through the api's blob store)
                    Map.entry("message.max.bytes", String.valueOf(64 * 1024 * 1024)),
                    Map.entry("replica.fetch.max.bytes", String.valueOf(64 * 1024 * 1024)),
                    Map.entry("auto.create.topics.enable", "false")));
            Path config = dir.resolve("server.properties.bitplan");
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "written by bitplan local-stack");
            }
            StorageTool.execute(new String[] {"format", "-t", CLUSTER_ID, "-c", config.toString(), "--ignore-formatted"},
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // "Formatting ..." is noise for users
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            return new LocalKafka(server, props, brokerPort, dir, temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-JVM Kafka broker", e);
        }
    }

    /**
     * Stops the broker and starts it again on the same ports and log directory, as a broker restart in production:
     * what was committed to the log survives, clients reconnect by themselves.
     */
    public synchronized void restart() {
        restart(java.time.Duration.ZERO);
    }

    /** Stops the broker, leaves it down for {@code away} (an outage, for fault trials), then starts it on the same log. */
    public synchronized void restart(java.time.Duration away) {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
        server.shutdown();
        server.awaitShutdown();
        LocalResources.sleep(away);
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            LocalResources.deleteQuietly(logDir);
        }
    }
}
