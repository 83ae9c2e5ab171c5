package dev.ragstream.standalone;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The canary test: every key and password of every tenant holds a string unique to this run. With
 * DEBUG logging — switched on after the services started, since each Spring Boot start
 * re-initialises logging — the whole admin and CLI flow runs: uploads, chat with right and wrong
 * keys (wrong ones holding the canary too), every admin endpoint with its error paths, every
 * tenant command with its error paths. The canary must appear in no log event (message, throwable,
 * MDC), no HTTP response body and nothing the CLI prints.
 */
class CanaryIT {

    private static final String CANARY = "cnry" + randomLetters(16);
    /**
     * Switched to DEBUG for the test, each with every logger below it that the logging configuration
     * sets (logback-test.xml quietens Spring, Hikari and Tomcat, which logback.xml leaves at the root's
     * level): our code, HTTP (Spring, Tomcat), connection pools, the database driver and migrations,
     * Kafka clients. The JDK's HTTP client and other JUL loggers follow the root through Spring Boot's
     * level propagation. Loggers that touch no secret (the in-JVM broker's, Tika's) keep their level.
     */
    private static final List<String> DEBUG_LOGGERS = List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.ragstream",
            "org.springframework", "com.zaxxer", "org.apache.kafka", "org.flywaydb", "org.postgresql", "org.apache.catalina",
            "org.apache.coyote", "org.apache.tomcat");
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created a;
    static TestTenants.Created b;
    static Standalone system;
    static GatewayClient gateway;
    static String handbookOfA;
    static final CanaryAppender LOGS = new CanaryAppender(CANARY);
    static final Map<Logger, Level> LEVELS_BEFORE = new LinkedHashMap<>();

    @BeforeAll
    static void tenantsWithCanarySecretsAndDebugLogging() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"), secret("pw", "chatapp"));
        a = withCanaries(tenants.create("cny-a", "--db-password=" + secret("pw", "a_db")), "a");
        b = withCanaries(tenants.create("cny-b", "--db-password=" + secret("pw", "b_db")), "b");
        for (TestTenants.Created tenant : List.of(a, b)) {
            assertThat(tenant.env()).as("every secret of %s holds the canary", tenant.id())
                    .allSatisfy((name, value) -> assertThat(!isSecret(name) || value.isEmpty() || value.contains(CANARY)).isTrue());
        }
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        debugLogging();
        handbookOfA = uploadAndAwaitIndexed(a, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
    }

    @AfterEach
    void noCanaryInAnyLogEvent() {
        try {
            assertThat(LOGS.leaks()).as("log events holding the canary").isEmpty();
        } finally {
            LOGS.clearLeaks();
        }
    }

    @AfterAll
    static void restoreLoggingAndStop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        LOGS.stop();
        LEVELS_BEFORE.forEach(Logger::setLevel);
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void theDetectorSeesTheCanaryInMessagesThrowablesAndBridgedJulRecordsAndDebugIsOn() {
        org.slf4j.Logger log = LoggerFactory.getLogger("dev.ragstream.canary");
        log.debug("self-test {}", CANARY);
        log.debug("self-test", new IllegalStateException("wrapped", new IllegalArgumentException(CANARY)));
        java.util.logging.Logger.getLogger("org.apache.canary").fine("self-test " + CANARY);

        assertThat(LOGS.leaks()).hasSize(3);
        LOGS.clearLeaks();
        assertThat(List.of("org.springframework", "com.zaxxer", "org.apache.kafka", "org.postgresql"))
                .allSatisfy(name -> assertThat(LOGS.debugEventsFrom(name)).as("DEBUG events of %s", name).isPositive());
    }

    /** The end-to-end case of {@code tenant reindex}: through the real gateway, waiting until indexed again. */
    @Test
    void theCliReindexesEveryDocumentThroughTheRealGatewayUntilIndexedAtVersionTwo() {
        Run run = cli("reindex", "--tenant=" + a.id(), "--gateway=" + system.gatewayUrl(), "--wait", "--wait-timeout=2m");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains(handbookOfA + " handbook.md: queued as version 2", "(0 refused)", "(0 failed)");
        JsonNode doc = admin(a, "GET", "/admin/documents/" + handbookOfA, null).body();
        assertThat(doc.path("status").asString()).isEqualTo("indexed");
        assertThat(doc.path("version").asInt()).isEqualTo(2);
        assertThat(doc.path("active_version").asInt()).isEqualTo(2);
        assertThat(chat(a, a.chatKey(), "How many vacation days do employees get?").body().path("sources")
                .findValuesAsString("filename")).contains("handbook.md");
    }

    @Test
    void uploadsAndChatWithRightAndWrongKeys() {
        String faq = uploadAndAwaitIndexed(a, "faq.txt", Fixtures.bytes(Fixtures.FAQ));
        assertThat(faq).isNotBlank();
        assertThat(checked(gateway.upload(a.id(), secret("rsk", "wrong_upload"), "x.txt", "x".getBytes())).status()).isEqualTo(401);
        assertThat(checked(gateway.upload(a.id(), b.uploadKey(), "x.txt", "x".getBytes())).status()).isEqualTo(401);
        assertThat(checked(gateway.upload(a.id(), a.chatKey(), "x.txt", "x".getBytes())).status()).isEqualTo(401);
        assertThat(checked(gateway.upload(a.id(), null, "x.txt", "x".getBytes())).status()).isEqualTo(401);
        assertThat(checked(gateway.upload("cny-nobody", a.uploadKey(), "x.txt", "x".getBytes())).status()).isEqualTo(404);
        assertThat(checked(gateway.status(a.id(), secret("rsk", "wrong_status"), faq)).status()).isEqualTo(401);
        assertThat(checked(gateway.status(b.id(), b.uploadKey(), faq)).status()).isEqualTo(404);

        assertThat(chat(a, a.chatKey(), "How long is the warranty?").status()).isEqualTo(200);
        assertThat(chat(a, secret("rsk", "wrong_chat"), "hello").status()).isEqualTo(401);
        assertThat(chat(a, b.chatKey(), "hello").status()).isEqualTo(401);
        assertThat(chat(a, a.adminKey(), "hello").status()).isEqualTo(401);
        assertThat(chat(a, null, "hello").status()).isEqualTo(401);
        assertThat(checked(gateway.chat(a.chatKey(), "{\"tenant_id\": \"" + a.id() + "\", \"message\": ")).status()).isEqualTo(400);
        assertThat(checked(gateway.chat(a.chatKey(), "[\"not an object\"]")).status()).isEqualTo(400);
    }

    @Test
    void everyAdminEndpointAndItsErrorPaths() {
        assertThat(chat(a, a.chatKey(), "How many vacation days do employees get?").status()).isEqualTo(200);
        String doomed = uploadAndAwaitIndexed(a, "product.html", Fixtures.bytes(Fixtures.PRODUCT));
        expect(200, "GET", "/admin/documents", null);
        expect(200, "GET", "/admin/documents?status=indexed&page=0&size=1", null);
        expect(400, "GET", "/admin/documents?status=bogus", null);
        expect(400, "GET", "/admin/documents?size=1000", null);
        expect(400, "GET", "/admin/documents?page=-1", null);
        expect(200, "GET", "/admin/documents/" + doomed, null);
        expect(404, "GET", "/admin/documents/not-a-uuid", null);
        expect(404, "GET", "/admin/documents/00000000-0000-0000-0000-000000000001", null);
        expect(202, "POST", "/admin/documents/" + doomed + "/reindex", null);
        assertThat(admin(a, "POST", "/admin/documents/" + doomed + "/reindex", null).status()).isIn(202, 409);
        expect(404, "POST", "/admin/documents/00000000-0000-0000-0000-000000000001/reindex", null);
        await().atMost(Duration.ofSeconds(60)).until(() -> admin(a, "GET", "/admin/documents/" + doomed, null).text("status")
                .matches("indexed|failed"));
        expect(204, "DELETE", "/admin/documents/" + doomed, null);
        expect(404, "DELETE", "/admin/documents/" + doomed, null);

        String session = admin(a, "GET", "/admin/sessions", null).body().path("items").get(0).path("session_id").asString();
        expect(200, "GET", "/admin/sessions/" + session, null);
        expect(404, "GET", "/admin/sessions/no-such-session", null);
        expect(400, "GET", "/admin/sessions?size=0", null);

        expect(200, "PUT", "/admin/widgets/support", "{\"greeting\": \"Hello\"}");
        expect(200, "GET", "/admin/widgets", null);
        expect(200, "GET", "/admin/widgets/support", null);
        expect(400, "PUT", "/admin/widgets/support", "[1, 2]");
        expect(400, "PUT", "/admin/widgets/support", "{\"greeting\": ");
        assertThat(checked(gateway.admin("PUT", "/admin/widgets/Bad%20Key", a.id(), a.adminKey(), "{}")).status()).isIn(400, 404);
        expect(404, "GET", "/admin/widgets/no-such-widget", null);
        expect(204, "DELETE", "/admin/widgets/support", null);

        String prompt = expect(201, "POST", "/admin/prompts", "{\"name\": \"default\", \"template\": \"Be kind.\", \"active\": true}")
                .text("prompt_id");
        expect(200, "GET", "/admin/prompts", null);
        expect(200, "GET", "/admin/prompts/" + prompt, null);
        expect(200, "PUT", "/admin/prompts/" + prompt, "{\"template\": \"Be brief.\"}");
        expect(409, "POST", "/admin/prompts", "{\"name\": \"default\", \"template\": \"again\"}");
        expect(400, "POST", "/admin/prompts", "{\"template\": \"no name\"}");
        expect(404, "GET", "/admin/prompts/999999999", null);
        expect(204, "DELETE", "/admin/prompts/" + prompt, null);

        expect(200, "GET", "/admin/inquiries", null);
        expect(400, "GET", "/admin/inquiries?page=-1", null);
        expect(200, "GET", "/admin/stats", null);
        expect(404, "GET", "/admin/no-such-resource", null);
        expect(405, "POST", "/admin/stats", "{}");
        assertThat(checked(gateway.get("/v3/api-docs")).status()).isEqualTo(200);

        assertThat(admin(a, "GET", "/admin/stats", secret("rsk", "wrong_admin")).status()).isEqualTo(401);
        assertThat(admin(a, "GET", "/admin/stats", a.chatKey()).status()).isEqualTo(401);
        assertThat(admin(a, "GET", "/admin/stats", b.adminKey()).status()).isEqualTo(401);
        assertThat(checked(gateway.admin("GET", "/admin/stats", null, a.adminKey(), null)).status()).isEqualTo(400);
        assertThat(checked(gateway.admin("GET", "/admin/stats", "cny-nobody", a.adminKey(), null)).status()).isEqualTo(404);
        assertThat(checked(new GatewayClient("http://127.0.0.1:" + system.port(Standalone.Service.TENANT_ADMIN))
                .admin("GET", "/admin/stats", a.id(), a.adminKey(), null)).status()).isEqualTo(403);
    }

    @Test
    void everyTenantCommandAndItsErrorPaths() throws Exception {
        List<Run> runs = new ArrayList<>();
        TestTenants.Created[] c = new TestTenants.Created[1];
        runs.add(capture(() -> {
            c[0] = tenants.create("cny-c", "--db-password=" + secret("pw", "c_db"));
            return 0;
        }));
        Run show = expectExit(0, "show", a.id());
        runs.add(show);
        runs.add(expectExit(0, "test-db", a.id()));
        runs.add(expectExit(0, "migrate", a.id()));
        runs.add(expectExit(0, "migrate", "--all"));
        runs.add(expectExit(0, "list"));
        Path file = Files.writeString(home.resolve("lab-notes.md"), "# Lab notes\n\nThe centrifuge in lab 4B is serviced on Fridays.\n");
        runs.add(expectExit(0, "import", "--tenant=" + a.id(), "--gateway=" + system.gatewayUrl(), "--wait", "--wait-timeout=2m",
                file.toString()));
        runs.add(expectExit(0, "cleanup-history", "--tenant=" + a.id(), "--older-than=30d"));
        runs.add(expectExit(0, "delete", "--yes", c[0].id()));

        Path wrong = tenantsWithWrongSecretsOf(a);
        Run refusedImport = expectExit(1, "--tenants-dir=" + wrong, "import", "--tenant=" + a.id(),
                "--gateway=" + system.gatewayUrl(), file.toString());
        Run refusedReindex = expectExit(1, "--tenants-dir=" + wrong, "reindex", "--tenant=" + a.id(), "--gateway=" + system.gatewayUrl());
        Run unreachableTestDb = expectExit(1, "--tenants-dir=" + wrong, "test-db", a.id());
        runs.addAll(List.of(refusedImport, refusedReindex, unreachableTestDb,
                expectExit(1, "--tenants-dir=" + wrong, "migrate", a.id()),
                expectExit(1, "--tenants-dir=" + wrong, "cleanup-history", "--tenant=" + a.id(), "--older-than=1d"),
                expectExit(0, "--tenants-dir=" + wrong, "show", a.id())));

        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("  ADMIN_API_KEY: rsk_" + CANARY.substring(0, 3) + "…", "  DB_PASSWORD: pw_" + CANARY.substring(0, 4) + "…");
        assertThat(a.env().values()).filteredOn(value -> value.contains(CANARY))
                .hasSizeGreaterThanOrEqualTo(7).allSatisfy(secret -> assertThat(show.out()).doesNotContain(secret));
        assertThat(refusedImport.err()).contains("the gateway refused uploads", "Invalid API key");
        assertThat(refusedReindex.err()).contains("the gateway refused admin requests", "Invalid API key");
        assertThat(unreachableTestDb.err()).contains("cannot connect to");
        assertThat(LOGS.debugEventsFrom("org.flywaydb")).as("migrations ran with DEBUG logging").isPositive();
        assertThat(runs).hasSize(15).allSatisfy(run -> {
            assertThat(run.err()).as("stderr of %s", run.args()).doesNotContain(CANARY);
            assertThat(run.out()).as("stdout of %s", run.args()).doesNotContain(CANARY);
        });
    }

    @Test
    void aBrokenDatabaseSettingAndRegeneratedKeysOfARunningTenant() throws Exception {
        String port = b.env().get("DB_PORT");
        b = tenants.rewrite(b, Map.of("DB_PORT", String.valueOf(closedPort())));
        try {
            // each service's registry notices the change on its own poll
            await().atMost(WITHIN).untilAsserted(() -> {
                assertThat(admin(b, "GET", "/admin/stats", null).status()).isEqualTo(503);
                assertThat(chat(b, b.chatKey(), "hello").status()).isGreaterThanOrEqualTo(500);
                assertThat(checked(gateway.upload(b.id(), b.uploadKey(), "x.txt", "x".getBytes())).status()).isGreaterThanOrEqualTo(500);
            });
        } finally {
            b = tenants.rewrite(b, Map.of("DB_PORT", port));
        }
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin(b, "GET", "/admin/stats", null).status()).isEqualTo(200));

        String oldAdminKey = b.adminKey();
        Run regenerated = expectExit(0, "regenerate-keys", b.id());
        assertThat(regenerated.out()).doesNotContain(CANARY).contains("ADMIN_API_KEY: rsk_");
        assertThat(regenerated.err()).doesNotContain(CANARY);
        b = new TestTenants.Created(b.id(), EnvFile.read(tenants.dir().resolve(b.id()).resolve(".env")));
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(admin(b, "GET", "/admin/stats", oldAdminKey).status()).isEqualTo(401);
            assertThat(admin(b, "GET", "/admin/stats", null).status()).isEqualTo(200);
        });
    }

    // --- HTTP: every answer is checked for the canary ---

    private static GatewayClient.Reply checked(GatewayClient.Reply reply) {
        assertThat(reply.body().toString()).as("HTTP %d body", reply.status()).doesNotContain(CANARY);
        return reply;
    }

    /** An admin call as {@code tenant}, with its own admin key unless {@code key} is given. */
    private static GatewayClient.Reply admin(TestTenants.Created tenant, String method, String path, String key) {
        return checked(gateway.admin(method, path, tenant.id(), key != null ? key : tenant.adminKey(), null));
    }

    private static GatewayClient.Reply expect(int status, String method, String path, String body) {
        GatewayClient.Reply reply = checked(gateway.admin(method, path, a.id(), a.adminKey(), body));
        assertThat(reply.status()).as("%s %s", method, path).isEqualTo(status);
        return reply;
    }

    private static GatewayClient.Reply chat(TestTenants.Created tenant, String key, String question) {
        return checked(gateway.chat(tenant.id(), key, "canary-session", question));
    }

    private static String uploadAndAwaitIndexed(TestTenants.Created tenant, String filename, byte[] content) {
        GatewayClient.Reply accepted = checked(gateway.upload(tenant.id(), tenant.uploadKey(), filename, content));
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.text("document_id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(checked(gateway.status(tenant.id(), tenant.uploadKey(), id)).text("status")).isEqualTo("indexed"));
        return id;
    }

    // --- CLI: run in this JVM with stdout and stderr captured ---

    /** What one CLI run printed; stdout also holds what the services logged meanwhile (logback writes to System.out). */
    record Run(List<String> args, int exit, String out, String err) {
    }

    /** Runs {@code tenant --tenants-dir=<tenants> <args>}; a later {@code --tenants-dir} wins. */
    private static Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--tenants-dir=" + tenants.dir()));
        for (String arg : args) {
            if (arg.startsWith("--tenants-dir=")) {
                all.set(0, arg);
            } else {
                all.add(arg);
            }
        }
        Run run = capture(() -> TenantCli.run(all.toArray(String[]::new)));
        return new Run(all, run.exit(), run.out(), run.err());
    }

    private static Run expectExit(int exit, String... args) {
        Run run = cli(args);
        assertThat(run.exit()).as("%s: %s", run.args(), run.err()).isEqualTo(exit);
        return run;
    }

    private static synchronized Run capture(Callable<Integer> command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, UTF_8));
            System.setErr(new PrintStream(capturedErr, true, UTF_8));
            int exit = command.call();
            return new Run(List.of(), exit, capturedOut.toString(UTF_8), capturedErr.toString(UTF_8));
        } catch (Exception e) {
            throw new AssertionError("command failed: " + e, e);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * A second tenants folder holding {@code tenant} with wrong keys and a database port nobody
     * listens on, every value still holding the canary (the local server trusts local connections,
     * so a wrong password alone would not fail).
     */
    private static Path tenantsWithWrongSecretsOf(TestTenants.Created tenant) throws IOException {
        Path env = home.resolve("wrong").resolve(tenant.id()).resolve(".env");
        Files.createDirectories(env.getParent());
        String content = Files.readString(tenants.dir().resolve(tenant.id()).resolve(".env"));
        Map<String, String> wrong = Map.of("ADMIN_API_KEY", secret("rsk", "wrong_admin"), "CHAT_API_KEY", secret("rsk", "wrong_chat"),
                "UPLOAD_API_KEY", secret("rsk", "wrong_upload"), "DB_PASSWORD", secret("pw", "wrong_db"),
                "DB_PORT", String.valueOf(closedPort()));
        for (Map.Entry<String, String> variable : wrong.entrySet()) {
            content = content.replaceFirst("(?m)^" + variable.getKey() + "=.*$", variable.getKey() + "=" + variable.getValue());
        }
        Files.writeString(env, content);
        return env.getParent().getParent();
    }

    // --- canaries and logging ---

    /** Sets every key and password of a created tenant that `create` generated to a canary value. */
    private static TestTenants.Created withCanaries(TestTenants.Created tenant, String label) throws IOException {
        return tenants.rewrite(tenant, Map.of("ADMIN_API_KEY", secret("rsk", label + "_admin"),
                "CHAT_API_KEY", secret("rsk", label + "_chat"), "UPLOAD_API_KEY", secret("rsk", label + "_upload"),
                "ADMIN_PASSWORD", secret("pw", label + "_dashboard"), "API_DEBUG_PASSWORD", secret("pw", label + "_debug")));
    }

    private static String secret(String prefix, String label) {
        return prefix + "_" + CANARY + "_" + label;
    }

    private static boolean isSecret(String variable) {
        String upper = variable.toUpperCase(Locale.ROOT);
        return upper.contains("KEY") || upper.contains("PASSWORD") || upper.contains("SECRET") || upper.contains("TOKEN");
    }

    private static void debugLogging() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<Logger> loggers = new ArrayList<>(DEBUG_LOGGERS.stream().map(context::getLogger).toList());
        context.getLoggerList().stream().filter(logger -> logger.getLevel() != null)
                .filter(logger -> DEBUG_LOGGERS.stream().skip(1).anyMatch(name -> logger.getName().startsWith(name + ".")))
                .forEach(loggers::add);
        for (Logger logger : loggers) {
            LEVELS_BEFORE.putIfAbsent(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        LOGS.setContext(context);
        LOGS.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(LOGS);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String randomLetters(int n) {
        StringBuilder s = new StringBuilder();
        ThreadLocalRandom.current().ints(n, 'a', 'z' + 1).forEach(c -> s.append((char) c));
        return s.toString();
    }

    /**
     * Checks each log event as it arrives — formatted message, throwable with its causes, MDC —
     * keeping only those that hold the canary, and counts DEBUG events per logger-name prefix.
     */
    static final class CanaryAppender extends AppenderBase<ILoggingEvent> {

        private final String canary;
        private final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicLong> debugEvents = new ConcurrentHashMap<>();

        CanaryAppender(String canary) {
            this.canary = canary;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel() == Level.DEBUG) {
                String name = event.getLoggerName();
                DEBUG_LOGGERS.stream().filter(name::startsWith)
                        .forEach(prefix -> debugEvents.computeIfAbsent(prefix, p -> new AtomicLong()).incrementAndGet());
            }
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()))
                    + (event.getMDCPropertyMap().isEmpty() ? "" : "\nMDC " + event.getMDCPropertyMap());
            if (text.contains(canary)) {
                leaks.add(event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + ": " + text);
            }
        }

        List<String> leaks() {
            return List.copyOf(leaks);
        }

        void clearLeaks() {
            leaks.clear();
        }

        long debugEventsFrom(String prefix) {
            AtomicLong count = debugEvents.get(prefix);
            return count == null ? 0 : count.get();
        }
    }
}
