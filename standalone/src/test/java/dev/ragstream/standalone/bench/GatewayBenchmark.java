package dev.ragstream.standalone.bench;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.standalone.Standalone;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bin/ragstream bench gateway}: starts the whole system in this JVM with a scratch tenant
 * and measures (1) the chat-proxy overhead — p50 of chat through the gateway minus p50 of the same
 * request sent to the query API directly — and (2) upload-accept latency p50/p99 for 100 KB files
 * at 32 concurrent clients. Prints one line per figure; cleans up after itself.
 */
public final class GatewayBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) { // the services' threads would keep the JVM alive: end it with the failure
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int uploadsPerClient = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path home = Files.createTempDirectory("ragstream-bench");
        String id = "bench-" + Long.toString(System.nanoTime(), 36);
        String chatDb = TestDatabase.uniqueName("bench_chatdb");
        String chatOwner = TestDatabase.uniqueName("bench_chatowner");
        String chatApp = TestDatabase.uniqueName("bench_chatapp");
        if (TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                "--app-password=bench") != 0
                || TenantCli.run("--tenants-dir=" + home.resolve("tenants"), "create", id, "--no-provision",
                "--admin-db-name=" + chatDb, "--admin-db-user=" + chatApp, "--admin-db-password=bench") != 0) {
            throw new IllegalStateException("cannot create the bench tenant");
        }
        Path envFile = home.resolve("tenants").resolve(id).resolve(".env");
        Map<String, String> env = EnvFile.read(envFile);
        String db = env.get("DB_NAME");
        try (Standalone system = provisionAndStart(home, envFile, Map.of(
                "ragstream.gateway.blocklist.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + chatDb,
                "ragstream.gateway.blocklist.user", chatApp, "ragstream.gateway.blocklist.password", "bench",
                "ragstream.gateway.rate-limits.upload", "1000000", "ragstream.gateway.rate-limits.chat", "1000000",
                "ragstream.gateway.rate-limits.tenant", "1000000", "ragstream.gateway.uploads.slots", System.getProperty("bench.slots", "0")))) {
            env = EnvFile.read(envFile);
            String gateway = system.gatewayUrl();
            String query = "http://127.0.0.1:" + system.port(Standalone.Service.QUERY_API);
            upload(gateway, id, env.get("UPLOAD_API_KEY"), text(2_000, new Random(1)), "handbook.txt");
            String adminKey = env.get("ADMIN_API_KEY");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> indexed(gateway, id, adminKey));
            chatOverhead(gateway, query, id, env.get("CHAT_API_KEY"), system.internalSecret());
            // the gateway's own work is measured: the workers (which would compete for the 2 cores) wait meanwhile
            system.stop(Standalone.Service.INGEST_WORKER);
            system.stop(Standalone.Service.EMBED_WORKER);
            uploadLatency(gateway, id, env.get("UPLOAD_API_KEY"), clients, uploadsPerClient);
            largeUploadMemory(gateway, id, env.get("UPLOAD_API_KEY"), 1024L * 1024 * 1024);
        } finally {
            TestDatabase.dropDatabase(db);
            TestDatabase.dropRole(env.get("DB_USER"));
            TestDatabase.dropDatabase(chatDb);
            TestDatabase.dropRole(chatApp);
            TestDatabase.dropRole(chatOwner);
            org.springframework.util.FileSystemUtils.deleteRecursively(home); // staged uploads, Kafka's log: gigabytes
        }
    }

    private static Standalone provisionAndStart(Path home, Path envFile, Map<String, String> properties) throws Exception {
        Files.writeString(envFile, Files.readString(envFile)
                + "\nMAX_QUEUED_DOCUMENTS=1000000\nMAX_UPLOAD_SIZE_MB=1200\n"); // the workers are paused: a long warm-up queues 200,000
        Map<String, String> env = EnvFile.read(envFile);
        new dev.ragstream.database.DatabaseProvisioner("postgres", "").provision(new dev.ragstream.database.DatabaseTarget(
                env.get("DB_HOST"), Integer.parseInt(env.get("DB_PORT")), env.get("DB_NAME"), env.get("DB_USER"),
                env.get("DB_PASSWORD")), dev.ragstream.database.DatabaseProvisioner.Kind.RAGDB);
        return Standalone.start(Standalone.Settings.forTests(home.resolve("tenants"), home.resolve("data"), properties));
    }

    /**
     * Pairs of the same first question (a new session each time, no history) through the gateway and
     * to the query API directly. Unmeasured pairs first: at least {@link #CHAT_WARM_UP}, then until the
     * JIT compiles less than a tenth of a block's time (at most {@link #MAX_WARM_UP}) — it compiled for
     * a third of the first minute's CPU samples, and the gateway's path, with more code, waits longer for it.
     */
    private static void chatOverhead(String gateway, String query, String tenant, String chatKey, String secret) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long started = System.nanoTime();
        double jitShare = 1;
        for (int block = 0; System.nanoTime() - started < MAX_WARM_UP.toNanos() && (block < CHAT_WARM_UP || jitShare >= 0.1);
             block++) {
            long compiling = jit.getTotalCompilationTime();
            long blockStarted = System.nanoTime();
            chatPairs(gateway, query, tenant, chatKey, secret, 200, "w" + block, new ArrayList<>(), new ArrayList<>());
            jitShare = (jit.getTotalCompilationTime() - compiling) / ((System.nanoTime() - blockStarted) / 1e6);
        }
        List<Long> viaGateway = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        long compiling = jit.getTotalCompilationTime();
        long measuring = System.nanoTime();
        chatPairs(gateway, query, tenant, chatKey, secret, 1000, "m", viaGateway, direct);
        double measuredJit = (jit.getTotalCompilationTime() - compiling) / ((System.nanoTime() - measuring) / 1e6);
        double overhead = (percentile(viaGateway, 50) - percentile(direct, 50)) / 1e6;
        System.out.printf("chat via gateway p50 %.2f ms, query-api direct p50 %.2f ms: proxy overhead %.2f ms at p50 (n=%d;"
                        + " after a %.0f s warm-up, the JIT compiling %.0f %% of the measured time)%n",
                percentile(viaGateway, 50) / 1e6, percentile(direct, 50) / 1e6, overhead, viaGateway.size(),
                (measuring - started) / 1e9, 100 * measuredJit);
    }

    private static final int CHAT_WARM_UP = 5;

    private static void chatPairs(String gateway, String query, String tenant, String chatKey, String secret, int pairs,
                                  String sessions, List<Long> viaGateway, List<Long> direct) throws Exception {
        for (int i = 0; i < pairs; i++) {
            viaGateway.add(time(HttpRequest.newBuilder(URI.create(gateway + "/chat")).header("Content-Type", "application/json")
                    .header("X-API-Key", chatKey).POST(HttpRequest.BodyPublishers.ofString(chatBody(tenant, "g-" + sessions + i)))
                    .build()));
            direct.add(time(HttpRequest.newBuilder(URI.create(query + "/internal/chat")).header("Content-Type", "application/json")
                    .header("X-Internal-Secret", secret).header("X-Tenant-ID", tenant)
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody(tenant, "d-" + sessions + i))).build()));
        }
    }

    private static String chatBody(String tenant, String session) {
        return "{\"tenant_id\":\"" + tenant + "\",\"session_id\":\"bench-" + session
                + "\",\"message\":\"When do green coffee deliveries arrive?\"}";
    }

    private static final Duration WARM_UP = Duration.ofSeconds(40);
    private static final int MEASURED_ROUNDS = 5;
    private static final Duration MAX_WARM_UP = Duration.ofMinutes(5);
    private static final int QUIET_ROUNDS = 3;

    /**
     * Each client sends its uploads back to back; unmeasured rounds first bring the gateway to its
     * steady state: at least {@link #WARM_UP}, then until the JIT compiles less than a tenth of the
     * time in {@link #QUIET_ROUNDS} rounds in a row (at most {@link #MAX_WARM_UP}). Files are made
     * before the clock starts, so the clients' own work stays out of the figures.
     */
    private static void uploadLatency(String gateway, String tenant, String key, int clients, int perClient) throws Exception {
        List<byte[]> files = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 16; i++) {
            files.add(text(100 * 1024, random));
        }
        // warm-up: the five services and the broker share this JVM, whose JIT keeps a core busy for minutes (25,000
        // methods); until it compiles less than a tenth of the time in QUIET_ROUNDS rounds in a row (one such round
        // after 50 s was followed by measured rounds compiling 11-37 % of theirs), at least WARM_UP, at most MAX_WARM_UP
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long started = System.nanoTime();
        int quiet = 0;
        double jitShare = 1;
        while (System.nanoTime() - started < MAX_WARM_UP.toNanos()
                && (System.nanoTime() - started < WARM_UP.toNanos() || quiet < QUIET_ROUNDS)) {
            long compiling = jit.getTotalCompilationTime();
            long roundStarted = System.nanoTime();
            uploadRound(gateway, tenant, key, clients, perClient, files);
            jitShare = (jit.getTotalCompilationTime() - compiling) / ((System.nanoTime() - roundStarted) / 1e6);
            quiet = jitShare < 0.1 ? quiet + 1 : 0;
        }
        System.out.printf("upload warm-up: %.0f s, the JIT compiling less than 10 %% of the time in %d rounds in a row"
                        + " (the last: %.0f %%)%n", (System.nanoTime() - started) / 1e9, quiet, 100 * jitShare);
        // the JIT still wakes up now and then (a round compiled for 4-46 % of its time in one day's runs):
        // the figures are the medians over MEASURED_ROUNDS rounds, each round's own shown after them
        List<double[]> rounds = new ArrayList<>();
        for (int r = 0; r < MEASURED_ROUNDS; r++) {
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long compiling = jit.getTotalCompilationTime();
            double seconds = uploadRound(gateway, tenant, key, clients, perClient, files, latencies);
            rounds.add(new double[] {percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6,
                    percentile(latencies, 95) / 1e6, latencies.size() / seconds,
                    (jit.getTotalCompilationTime() - compiling) / (seconds * 10)});
        }
        StringBuilder each = new StringBuilder();
        for (double[] round : rounds) {
            each.append(String.format("%n  round: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %.0f uploads/s, the JIT compiling %.0f %%",
                    round[0], round[2], round[1], round[3], round[4]));
        }
        System.out.printf("upload accept, 100 KB files, %d concurrent clients (workers paused): p50 %.1f ms, p99 %.1f ms"
                        + " (p95 %.1f ms, %.0f uploads/s; medians of %d rounds of %d uploads)%s%n",
                clients, median(rounds, 0), median(rounds, 1), median(rounds, 2), median(rounds, 3), MEASURED_ROUNDS,
                clients * perClient, each);
        drainOnlyCeiling(tenant, key, clients, perClient, files);
    }

    /**
     * The same clients against an endpoint that only reads the request body and answers 202 (a bare
     * Tomcat in this JVM): what this machine allows before the gateway does any work of its own.
     */
    private static void drainOnlyCeiling(String tenant, String key, int clients, int perClient, List<byte[]> files)
            throws Exception {
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        Path baseDir = Files.createTempDirectory("ragstream-bench-tomcat");
        tomcat.setBaseDir(baseDir.toString());
        org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        org.apache.catalina.Context context = tomcat.addContext("", null);
        org.apache.catalina.startup.Tomcat.addServlet(context, "drain", new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void doPost(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                    throws java.io.IOException {
                request.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                response.setStatus(202);
                response.setContentType("application/json");
                response.getWriter().write("{\"status\":\"queued\"}");
            }
        });
        context.addServletMappingDecoded("/upload", "drain");
        tomcat.start();
        try {
            String url = "http://127.0.0.1:" + connector.getLocalPort();
            uploadRound(url, tenant, key, clients, perClient * 3, files);
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            double seconds = uploadRound(url, tenant, key, clients, perClient, files, latencies);
            System.out.printf("upload accept ceiling of this machine (a bare Tomcat endpoint that only reads the body, same clients):"
                            + " p50 %.1f ms, p99 %.1f ms (n=%d, %.0f uploads/s)%n", percentile(latencies, 50) / 1e6,
                    percentile(latencies, 99) / 1e6, latencies.size(), latencies.size() / seconds);
        } finally {
            tomcat.stop();
            tomcat.destroy();
            org.springframework.util.FileSystemUtils.deleteRecursively(baseDir);
        }
    }

    private static void uploadRound(String gateway, String tenant, String key, int clients, int perClient, List<byte[]> files)
            throws Exception {
        uploadRound(gateway, tenant, key, clients, perClient, files, Collections.synchronizedList(new ArrayList<>()));
    }

    private static final java.util.concurrent.atomic.AtomicLong UPLOADS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The multipart body of {@code template} whose last bytes are replaced by {@code n}, as the parts
     * the client writes one after another: every upload is new bytes under a new name (bench-n.txt),
     * never a duplicate nor a new version of an earlier one (versions of one name are recorded one
     * after another, by design). Nothing of the file is copied: the clients share this JVM with the
     * gateway, and copying each 100 KB file into a new body made a third of its allocations (and
     * young collections that stopped the gateway every 0.4 s).
     */
    private static Multipart uniqueMultipart(byte[] template, long n) {
        byte[] stamp = (" upload " + n + ".").getBytes(StandardCharsets.UTF_8);
        String boundary = "----bench" + n;
        return new Multipart("multipart/form-data; boundary=" + boundary, new ByteBuffer[] {
                ByteBuffer.wrap(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-" + n
                        + ".txt\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap(template, 0, template.length - stamp.length),
                ByteBuffer.wrap(stamp),
                ByteBuffer.wrap(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8))});
    }

    private record Multipart(String contentType, ByteBuffer[] parts) {
    }

    /** @return the seconds the round took */
    private static double uploadRound(String gateway, String tenant, String key, int clients, int perClient, List<byte[]> files,
                                      List<Long> latencies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                try (KeepAliveClient http = new KeepAliveClient(URI.create(gateway))) {
                    for (int i = 0; i < perClient; i++) {
                        long n = UPLOADS.incrementAndGet();
                        Multipart body = uniqueMultipart(files.get((client + i) % files.size()), n);
                        long t0 = System.nanoTime();
                        KeepAliveClient.Answer answer = http.post("/upload?tenant=" + tenant, body.contentType(), key,
                                body.parts());
                        latencies.add(System.nanoTime() - t0);
                        if (answer.status() != 202) {
                            throw new IllegalStateException("upload answered " + answer.status() + ": " + answer.body());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Streams one large file through the gateway (never held in memory on either side) and reports
     * how much the heap of this JVM — which runs the gateway — grew at most meanwhile.
     */
    private static void largeUploadMemory(String gateway, String tenant, String key, long bytes) throws Exception {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        long[] peak = {baseline};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed());
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        String boundary = "----bench-large";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        java.io.InputStream body = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(head), new RepeatingText(bytes), new java.io.ByteArrayInputStream(tail))));
        long t0 = System.nanoTime();
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/upload?tenant=" + tenant))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        System.out.printf("large upload, %d MB streamed (HTTP %d in %.1f s) with a %.0f MB max heap for all services:"
                        + " peak heap growth %.0f MB over a %.0f MB baseline%n",
                bytes / (1024 * 1024), response.statusCode(), seconds, memory.getHeapMemoryUsage().getMax() / 1048576.0,
                (peak[0] - baseline) / 1048576.0, baseline / 1048576.0);
    }

    /** {@code size} bytes of text generated on the fly. */
    private static final class RepeatingText extends java.io.InputStream {
        private static final byte[] LINE = "green coffee lots are cupped twice before they go on sale.\n".getBytes(StandardCharsets.UTF_8);
        private long remaining;
        private int position;

        RepeatingText(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            byte b = LINE[position];
            position = (position + 1) % LINE.length;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = LINE[position];
                position = (position + 1) % LINE.length;
            }
            remaining -= n;
            return n;
        }
    }

    private static int upload(String gateway, String tenant, String key, byte[] content, String filename) throws Exception {
        String boundary = "----bench" + System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/upload?tenant=" + tenant))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, content, filename)))
                .timeout(Duration.ofSeconds(60)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] multipart(String boundary, byte[] content, String filename) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 256);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /**
     * One client's HTTP/1.1 connection, kept alive across its requests: a blocking socket on the
     * client's own thread, the request written whole and the answer read to its end. The JDK's
     * HttpClient hands each exchange between its selector and executor threads, which on two
     * shared cores added its own queueing to the figures (a bare endpoint answered at p99 4.6 × p50).
     */
    private static final class KeepAliveClient implements AutoCloseable {
        private final URI base;
        private java.net.Socket socket;
        private java.io.InputStream in;
        private java.io.OutputStream out;

        KeepAliveClient(URI base) {
            this.base = base;
        }

        record Answer(int status, String body) {
        }

        /** Sends one request, whose body is {@code parts} one after another, and reads the whole answer. */
        Answer post(String pathAndQuery, String contentType, String apiKey, ByteBuffer... parts) throws java.io.IOException {
            if (socket == null) {
                socket = new java.net.Socket(base.getHost(), base.getPort());
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(60_000);
                in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
                out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            }
            out.write(("POST " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: " + contentType + "\r\nX-API-Key: " + apiKey + "\r\nContent-Length: "
                    + Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (ByteBuffer part : parts) {
                out.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
            }
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header; !(header = line()).isEmpty(); ) {
                String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(java.util.Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            if (chunked) {
                for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    answer.writeBytes(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) { // trailers
                }
            } else if (length > 0) {
                answer.writeBytes(in.readNBytes((int) length));
            }
            if (close) {
                close();
            }
            return new Answer(status, answer.toString(StandardCharsets.UTF_8));
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new java.io.EOFException("the server closed the connection");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** True once the tenant has an indexed document to chat with. */
    private static boolean indexed(String gateway, String tenant, String adminKey) throws Exception {
        HttpRequest stats = HttpRequest.newBuilder(URI.create(gateway + "/admin/stats")).header("X-Tenant-ID", tenant)
                .header("X-API-Key", adminKey).GET().build();
        return HTTP.send(stats, HttpResponse.BodyHandlers.ofString()).body().contains("\"indexed\":1");
    }

    private static long time(HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return System.nanoTime() - t0;
    }

    private static double median(List<double[]> rounds, int column) {
        return rounds.stream().mapToDouble(round -> round[column]).sorted().toArray()[rounds.size() / 2];
    }

    private static double percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static byte[] text(int bytes, Random random) {
        String[] words = {"roastery", "delivery", "green", "coffee", "lot", "cupping", "moisture", "density", "profile",
                "batch", "Tuesday", "quality", "farm", "washed", "natural", "espresso", "grinder", "water"};
        StringBuilder out = new StringBuilder(bytes + 16);
        while (out.length() < bytes) {
            out.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? ".\n\n" : " ");
        }
        return out.substring(0, bytes).getBytes(StandardCharsets.UTF_8);
    }
}
