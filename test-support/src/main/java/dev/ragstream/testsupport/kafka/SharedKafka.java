package dev.ragstream.testsupport.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka broker that all integration tests of a JVM share, started on first use on free
 * ports in a temporary directory. A shutdown hook closes it and then deletes the directory; tests
 * must not close it themselves. Tests keep out of each other's way by using their own topic names
 * and consumer group ids.
 */
public final class SharedKafka {

    private static final Logger log = LoggerFactory.getLogger(SharedKafka.class);
    private static KafkaBroker broker;

    private SharedKafka() {
    }

    /**
     * The shared broker, started by the first caller; later callers get the same instance.
     *
     * @throws IllegalStateException if the broker cannot be started (later calls try again)
     */
    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = startWithCleanup();
        }
        return broker;
    }

    private static KafkaBroker startWithCleanup() {
        Path dataDir = createTempDir();
        KafkaBroker started;
        try {
            started = KafkaBroker.start(dataDir, 0);
        } catch (RuntimeException e) {
            deleteRecursively(dataDir);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.close();
            deleteRecursively(dataDir);
        }, "shared-kafka-shutdown"));
        return started;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("ragstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the shared Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete Kafka data directory {}", dir, e);
        }
    }
}
