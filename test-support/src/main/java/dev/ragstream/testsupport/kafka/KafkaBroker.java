package dev.ragstream.testsupport.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one node) running
 * inside this JVM, listening on 127.0.0.1 only.
 *
 * <p>All data lives in the data directory passed to {@link #start}; starting again on the same
 * directory keeps topics, records and committed offsets. Replication factor and minimum ISR are 1
 * everywhere, new topics get 4 partitions, and topics are never created implicitly. The caller owns the broker and must {@link #close()} it; the data
 * directory is never deleted by this class.
 *
 * <p>Kafka treats some internal failures as fatal and then halts the JVM, as the standalone
 * {@code kafka-server-start.sh} would.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final long METADATA_POLL_MILLIS = 20;

    private final KafkaRaftServer server;
    private final DataDirLock lock;
    private final Path dataDir;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaBroker(KafkaRaftServer server, DataDirLock lock, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.lock = lock;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker whose log and metadata live in {@code dataDir}, formatting it first if it
     * holds no cluster yet (the directory is created if missing). Returns once the broker answers
     * a describe-cluster request.
     *
     * @param port the client listener port, or 0 for a free one; the controller listener always
     *             takes a free port
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     * @throws IllegalStateException if the port is taken, another broker uses {@code dataDir}, or
     *                               the broker does not come up
     * @throws UncheckedIOException if {@code dataDir} cannot be created
     */
    public static KafkaBroker start(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (port != 0 && !FreePorts.isFree(port)) {
            throw new IllegalStateException("cannot start Kafka: port " + port + " is in use");
        }
        createDirectories(dataDir);
        DataDirLock lock = DataDirLock.acquire(dataDir);
        try {
            return startLocked(dataDir, port, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static KafkaBroker startLocked(Path dataDir, int port, DataDirLock lock) {
        long started = System.nanoTime();
        boolean formatted = false;
        for (int attempt = 1; ; attempt++) {
            int brokerPort = port == 0 ? FreePorts.pick() : port;
            KafkaConfig config = BrokerSettings.of(dataDir, brokerPort, FreePorts.pick());
            formatted |= LogDirFormat.formatIfNeeded(dataDir, config);
            KafkaRaftServer server = null;
            try {
                server = new KafkaRaftServer(config, Time.SYSTEM);
                server.startup();
            } catch (RuntimeException e) {
                if (server != null) {
                    stop(server);
                }
                if (attempt < START_ATTEMPTS && causedByBindFailure(e)) {
                    log.warn("Kafka could not bind its ports (attempt {}), retrying with others", attempt);
                    continue;
                }
                throw new IllegalStateException("Kafka broker on " + dataDir + " did not start", e);
            }
            KafkaBroker broker = new KafkaBroker(server, lock, dataDir, FreePorts.HOST + ":" + brokerPort);
            broker.awaitReady();
            log.info("Kafka broker {} started on {} in {} ms ({})", broker.bootstrapServers, dataDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    formatted ? "new log directory" : "existing log directory");
            return broker;
        }
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding this broker's logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates each topic with 4 partitions and replication factor 1; a topic that already exists
     * is left as it is. Returns once the broker serves metadata with a leader for every
     * partition, so clients see the topics at once.
     *
     * @throws IllegalStateException if a topic cannot be created
     */
    public void createTopics(String... names) {
        List<NewTopic> topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, BrokerSettings.DEFAULT_PARTITIONS, (short) 1))
                .toList();
        try (Admin admin = admin()) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
            for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                try {
                    result.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, List.of(names));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + Arrays.toString(names), e);
        }
    }

    /** Shuts the broker down cleanly and waits until it has stopped; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long started = System.nanoTime();
            stop(server);
            lock.close();
            log.info("Kafka broker {} stopped in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + ", " + dataDir + "]";
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for Kafka broker " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("Kafka broker " + bootstrapServers + " started but does not answer", e);
        }
    }

    /**
     * The controller acknowledges a new topic before this broker has applied the metadata record,
     * and Admin does not retry an unknown topic, so poll briefly until the broker knows them.
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (!haveLeaders(admin, names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " have no partition leaders after " + ADMIN_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(METADATA_POLL_MILLIS);
        }
    }

    private static boolean haveLeaders(Admin admin, List<String> names) throws InterruptedException {
        try {
            return admin.describeTopics(names).allTopicNames().get().values().stream()
                    .flatMap(topic -> topic.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("cannot describe topics " + names, e.getCause());
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void createDirectories(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
        }
    }
}
