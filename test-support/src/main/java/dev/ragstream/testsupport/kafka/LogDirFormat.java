package dev.ragstream.testsupport.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Does what {@code kafka-storage.sh format} does, for a directory that has not been formatted yet. */
final class LogDirFormat {

    private static final Logger log = LoggerFactory.getLogger(LogDirFormat.class);
    private static final String META_PROPERTIES = "meta.properties";

    private LogDirFormat() {
    }

    /** @return true if the directory was formatted now, false if it already held a cluster */
    static boolean formatIfNeeded(Path dataDir, KafkaConfig config) {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            return false;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                // static controller.quorum.voters: kraft.version stays 0, as kafka-storage.sh decides
                .setHasDynamicQuorum(false)
                .addDirectory(dataDir.toAbsolutePath().toString());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + dataDir, e);
        }
        log.debug("Formatted {}: {}", dataDir, output.toString(StandardCharsets.UTF_8).trim());
        return true;
    }
}
