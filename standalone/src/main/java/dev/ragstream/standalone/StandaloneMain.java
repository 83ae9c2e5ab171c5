package dev.ragstream.standalone;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar standalone.jar}: the whole system on this machine (Kafka on 9092, gateway on
 * 8080, query API 8081, ingest worker 8082, embed worker 8083, tenant admin 8084). Ctrl-C stops
 * everything cleanly. Reads {@code TENANTS_DIR} (default ./tenants) and {@code RAGSTREAM_DATA_DIR}
 * (default ./data).
 */
public final class StandaloneMain {

    private StandaloneMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path tenants = Path.of(env("TENANTS_DIR", "tenants"));
        Path data = Path.of(env("RAGSTREAM_DATA_DIR", "data"));
        int kafkaPort = Integer.parseInt(env("RAGSTREAM_KAFKA_PORT", "9092"));
        Standalone standalone = Standalone.start(new Standalone.Settings(tenants, data, true, kafkaPort, null, java.util.Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            standalone.close();
            stopped.countDown();
        }, "ragstream-shutdown"));
        System.out.println("ragstream is up: gateway " + standalone.gatewayUrl() + ", Kafka " + standalone.bootstrapServers());
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
