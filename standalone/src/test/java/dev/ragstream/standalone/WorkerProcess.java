package dev.ragstream.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A worker service as its own JVM beside a running {@link Standalone}, so a test can really kill it. */
final class WorkerProcess {

    private WorkerProcess() {
    }

    /**
     * Starts {@code application}'s main class against the system's broker, tenants and staging
     * directory, with a short Kafka session so a killed worker's partitions move on within seconds.
     * Output goes to {@code home/<logName>.log}; {@code extraArguments} are further Spring arguments.
     */
    static Process start(Class<?> application, Standalone system, TestTenants tenants, Path home, String logName,
                         String... extraArguments) throws IOException {
        Path log = home.resolve(logName + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                application.getName(),
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + system.bootstrapServers(),
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--ragstream.platform.tenants-dir=" + tenants.dir().toAbsolutePath(),
                "--ragstream.platform.staging-dir=" + home.resolve("data/staging").toAbsolutePath(),
                "--ragstream.platform.internal-secret=crash-test-internal-secret"));
        command.addAll(List.of(extraArguments));
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
