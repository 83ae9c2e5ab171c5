package dev.ragstream.standalone;

import dev.ragstream.admin.TenantAdminApplication;
import dev.ragstream.embed.EmbedWorkerApplication;
import dev.ragstream.gateway.GatewayApplication;
import dev.ragstream.ingest.IngestWorkerApplication;
import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.query.QueryApiApplication;
import dev.ragstream.schemas.Topics;
import dev.ragstream.testsupport.kafka.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the five services, each in its own Spring context on its own port, against one Kafka
 * broker — its own in-JVM broker unless {@link Settings#bootstrapServers()} names one. Services
 * can be stopped and started individually (tests kill and restart workers). {@link #close()}
 * stops the gateway first, so no new work arrives, and the broker last.
 */
public final class Standalone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Standalone.class);

    /** The services in start order; the gateway last, as it needs the query API's port. */
    public enum Service {
        QUERY_API(QueryApiApplication::builder, 8081),
        INGEST_WORKER(IngestWorkerApplication::builder, 8082),
        EMBED_WORKER(EmbedWorkerApplication::builder, 8083),
        TENANT_ADMIN(TenantAdminApplication::builder, 8084),
        GATEWAY(GatewayApplication::builder, 8080);

        private final Supplier<SpringApplicationBuilder> builder;
        private final int defaultPort;

        Service(Supplier<SpringApplicationBuilder> builder, int defaultPort) {
            this.builder = builder;
            this.defaultPort = defaultPort;
        }
    }

    /**
     * @param tenantsDir       the tenants folder
     * @param dataDir          Kafka log and staged uploads live below it
     * @param fixedPorts       the documented ports (gateway 8080 …) or, when false, free ones
     * @param bootstrapServers an existing broker, or null to start one in this JVM
     * @param properties       further Spring properties for every service (e.g. the blocklist's chatdb)
     */
    public record Settings(Path tenantsDir, Path dataDir, boolean fixedPorts, int kafkaPort, String bootstrapServers,
                           Map<String, String> properties) {
        public Settings {
            properties = Map.copyOf(properties);
        }

        /** Free ports, an own broker, and the given extra properties. */
        public static Settings forTests(Path tenantsDir, Path dataDir, Map<String, String> properties) {
            return new Settings(tenantsDir, dataDir, false, 0, null, properties);
        }
    }

    private final Settings settings;
    private final KafkaBroker broker;
    private final String bootstrapServers;
    private final String internalSecret = ApiKeys.generate();
    private final Map<Service, ConfigurableApplicationContext> running = new LinkedHashMap<>();
    private final Map<Service, Integer> ports = new LinkedHashMap<>();
    private Integer managementPort;

    private Standalone(Settings settings) {
        this.settings = settings;
        if (settings.bootstrapServers() == null) {
            this.broker = KafkaBroker.start(settings.dataDir().resolve("kafka"), settings.kafkaPort());
            this.bootstrapServers = broker.bootstrapServers();
        } else {
            this.broker = null;
            this.bootstrapServers = settings.bootstrapServers();
        }
    }

    /** Starts the broker (unless given) and every service. */
    public static Standalone start(Settings settings) {
        Standalone standalone = new Standalone(settings);
        try {
            if (standalone.broker != null) {
                standalone.broker.createTopics(Topics.all().toArray(String[]::new));
            }
            for (Service service : Service.values()) {
                standalone.start(service);
            }
            return standalone;
        } catch (RuntimeException e) {
            standalone.close();
            throw e;
        }
    }

    /** Starts one service (again); keeps its port across restarts. */
    public synchronized void start(Service service) {
        if (running.containsKey(service)) {
            return;
        }
        long started = System.nanoTime();
        int port = ports.getOrDefault(service, settings.fixedPorts() ? service.defaultPort : 0);
        List<String> properties = new ArrayList<>(List.of(
                "server.port=" + port,
                "server.address=127.0.0.1",
                "spring.kafka.bootstrap-servers=" + bootstrapServers,
                "ragstream.platform.tenants-dir=" + settings.tenantsDir().toAbsolutePath(),
                "ragstream.platform.staging-dir=" + settings.dataDir().resolve("staging").toAbsolutePath(),
                "ragstream.platform.internal-secret=" + internalSecret,
                "spring.main.banner-mode=off"));
        settings.properties().forEach((key, value) -> properties.add(key + "=" + value));
        if (service == Service.GATEWAY) {
            properties.add("management.server.port=" + (managementPort != null ? managementPort : settings.fixedPorts() ? 9080 : 0));
            properties.add("ragstream.gateway.query-api=http://127.0.0.1:" + port(Service.QUERY_API));
            properties.add("ragstream.gateway.tenant-admin=http://127.0.0.1:" + port(Service.TENANT_ADMIN));
        }
        // as command-line arguments, so they win over each service's own yml
        ConfigurableApplicationContext context = service.builder.get()
                .run(properties.stream().map(p -> "--" + p).toArray(String[]::new));
        running.put(service, context);
        ports.put(service, ((WebServerApplicationContext) context).getWebServer().getPort());
        String management = context.getEnvironment().getProperty("local.management.port");
        if (service == Service.GATEWAY && management != null) {
            managementPort = Integer.parseInt(management);
        }
        log.info("{} started on port {} in {} ms", service, ports.get(service), (System.nanoTime() - started) / 1_000_000);
    }

    /** Stops one service (gracefully: the record in hand is finished and committed). */
    public synchronized void stop(Service service) {
        ConfigurableApplicationContext context = running.remove(service);
        if (context != null) {
            context.close();
        }
    }

    /** The port a service listens on. */
    public synchronized int port(Service service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalStateException(service + " has not been started");
        }
        return port;
    }

    /** The secret the gateway presents to the internal services (for benchmarks that call them directly). */
    public String internalSecret() {
        return internalSecret;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The port of the gateway's health and metrics (loopback only; 9080 with fixed ports). */
    public synchronized int gatewayManagementPort() {
        if (managementPort == null) {
            throw new IllegalStateException("the gateway has not been started");
        }
        return managementPort;
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + port(Service.GATEWAY);
    }

    @Override
    public synchronized void close() {
        List<Service> order = new ArrayList<>(running.keySet());
        java.util.Collections.reverse(order);
        for (Service service : order) {
            try {
                stop(service);
            } catch (RuntimeException e) {
                log.error("Stopping {} failed", service, e);
            }
        }
        if (broker != null) {
            broker.close();
        }
    }
}
