package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.kafka.RetryableException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts with Tika in separate parser processes ({@link ConversionChild}), one per concurrent
 * caller, each with its own heap cap: a document that hangs past the timeout, or exhausts the
 * child's heap, kills only that child — the document fails once with {@code conversion_timeout} or
 * {@code conversion_out_of_memory} and the next document gets a fresh process. Children are started
 * on first use and kept for the next documents.
 * <p>A document goes to its parser process as a temporary file in a directory of this worker
 * process, deleted after its conversion; the files of a killed worker are deleted by the next
 * converter to start once that worker's process is gone (workers sharing a temporary directory
 * share a host or container, and so the process ids).
 */
public final class ForkedConverter implements DocumentConverter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ForkedConverter.class);
    private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    private static final Path NICE = Path.of("/usr/bin/nice");
    /** The exit code of a JVM that -XX:+ExitOnOutOfMemoryError ended. */
    private static final int OUT_OF_MEMORY_EXIT = 3;
    static final String TEMP_PREFIX = "ragstream-convert-";
    private static final Pattern SCRATCH_NAME = Pattern.compile(Pattern.quote(TEMP_PREFIX) + "([0-9]{1,18})-[0-9]+");

    private final int maxChars;
    private final Duration timeout;
    private final int heapMb;
    /** Where documents wait for their parser process: {@code <tmp>/ragstream-convert-<pid of this worker>-<random>}. */
    private final Path scratch;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Queue<Child> idle = new ConcurrentLinkedQueue<>();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "conversion-child-reader");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param maxChars most characters kept from one document
     * @param timeout  how long one document may take
     * @param heapMb   the heap of each parser process
     */
    public ForkedConverter(int maxChars, Duration timeout, int heapMb) {
        this.maxChars = maxChars;
        this.timeout = timeout;
        this.heapMb = heapMb;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteLeftovers(tmp);
        try { // a new directory only this user can enter, under a name no one could have prepared
            this.scratch = Files.createTempDirectory(tmp, TEMP_PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for documents waiting for their parser process", e);
        }
    }

    /**
     * Deletes the scratch directories of worker processes that have ended, with what they held: the
     * documents of the conversions a killed worker was running. A directory whose process still runs
     * is left alone, this process's own included.
     */
    static void deleteLeftovers(Path tmp) {
        int deleted = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path dir : dirs) {
                Matcher name = SCRATCH_NAME.matcher(dir.getFileName().toString());
                if (!name.matches() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        || ProcessHandle.of(Long.parseLong(name.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path file : files) {
                        Files.deleteIfExists(file);
                        deleted++;
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException e) { // another converter sweeping at the same time, or files not ours to delete
                    log.warn("Cannot delete the conversion files of an ended worker in {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("Cannot look for conversion files of ended workers: {}", e.toString());
        }
        if (deleted > 0) {
            log.info("Deleted {} conversion files that ended workers left behind", deleted);
        }
    }

    @Override
    public ConvertedDocument convert(InputStream content, String filename, String contentType) {
        Path file = copy(content);
        Child child = idle.poll();
        try {
            if (child == null || !child.process.isAlive()) {
                child = start();
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("path", file.toString());
            request.put("filename", filename);
            request.put("content_type", contentType);
            JsonNode answer = child.ask(json.writeValueAsString(request), timeout);
            idle.add(child);
            child = null;
            if (answer.has("reason")) {
                throw new PermanentException(answer.path("reason").asString(), answer.path("message").asString());
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            answer.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
            return new ConvertedDocument(answer.path("markdown").asString(), metadata);
        } catch (TimeoutException e) {
            log.warn("Converting {} took longer than {} s: its parser process was stopped", filename, timeout.toSeconds());
            throw new PermanentException("conversion_timeout", "conversion of " + filename + " exceeded " + timeout.toSeconds() + " s");
        } catch (ChildDiedException e) {
            boolean outOfMemory = e.exitCode == OUT_OF_MEMORY_EXIT;
            log.warn("The parser process converting {} ended (exit {}{})", filename, e.exitCode,
                    outOfMemory ? ", out of memory" : "");
            throw new PermanentException(outOfMemory ? "conversion_out_of_memory" : "conversion_crashed",
                    "the parser process converting " + filename + " ended with exit code " + e.exitCode);
        } finally {
            if (child != null) {
                child.process.destroyForcibly();
            }
            delete(file);
        }
    }

    /**
     * Parser processes run at a lower CPU priority ({@code nice 10}, where the system has it): on a
     * machine shared with the embed worker, embedding is the stage that limits the pipeline, and
     * conversion takes the cores it leaves idle rather than half of them.
     */
    private Child start() {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", "10"));
        }
        command.addAll(List.of(javaCommand(), "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.addAll(classpath());
        command.add(String.valueOf(maxChars));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            log.info("Started parser process {} ({} MB heap)", process.pid(), heapMb);
            return new Child(process);
        } catch (IOException e) {
            throw new RetryableException("cannot start a parser process: " + e.getMessage(), e);
        }
    }

    /**
     * How the child finds this module's classes: through Spring Boot's launcher when running from
     * a Boot jar, else from the class loader's files, else {@code java.class.path}.
     */
    private static List<String> classpath() {
        String main = ConversionChild.class.getName();
        String cp = System.getProperty("java.class.path");
        if (!cp.contains(File.pathSeparator) && cp.endsWith(".jar") && isBootJar(Path.of(cp))) {
            return List.of("-cp", cp, "-Dloader.main=" + main, BOOT_LAUNCHER);
        }
        List<String> files = new ArrayList<>();
        for (ClassLoader loader = ConversionChild.class.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if (url.getProtocol().equals("file")) {
                        try {
                            files.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException e) {
                            // not a file path: skip it
                        }
                    }
                }
            }
        }
        return List.of("-cp", files.isEmpty() ? cp : String.join(File.pathSeparator, files), main);
    }

    private static boolean isBootJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getEntry("BOOT-INF/") != null || file.getEntry("BOOT-INF/lib/") != null
                    || file.stream().anyMatch(e -> e.getName().startsWith("BOOT-INF/"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private Path copy(InputStream content) {
        try {
            Path file = Files.createTempFile(scratch, "document-", ".bin");
            try (OutputStream out = Files.newOutputStream(file)) {
                content.transferTo(out);
            } catch (IOException e) {
                delete(file);
                throw e;
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot buffer the document for its parser process", e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        for (Child child; (child = idle.poll()) != null; ) {
            child.process.destroy();
        }
        readers.shutdownNow();
        try {
            Files.deleteIfExists(scratch);
        } catch (IOException e) { // a conversion still runs: the directory is left to the sweep once this process ends
            log.debug("{} not deleted: {}", scratch, e.toString());
        }
    }

    private static final class ChildDiedException extends Exception {
        private final int exitCode;

        ChildDiedException(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** One parser process and its pipes. */
    private final class Child {
        private final Process process;
        private final Writer requests;
        private final BufferedReader answers;

        Child(Process process) {
            this.process = process;
            this.requests = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        JsonNode ask(String request, Duration timeout) throws TimeoutException, ChildDiedException {
            Future<String> answer = readers.submit(() -> {
                requests.write(request);
                requests.write('\n');
                requests.flush();
                String line = answers.readLine();
                while (line != null && !line.startsWith("{")) { // the JVM itself may print here (e.g. when its heap runs out)
                    log.warn("Parser process {}: {}", process.pid(), line.length() > 200 ? line.substring(0, 200) : line);
                    line = answers.readLine();
                }
                return line;
            });
            String line;
            try {
                line = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                answer.cancel(true);
                throw e;
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new RetryableException("interrupted while converting", e);
            } catch (ExecutionException e) { // the pipe broke: the child is gone
                line = null;
            }
            if (line == null) {
                throw new ChildDiedException(exitCode());
            }
            return json.readTree(line);
        }

        private int exitCode() {
            try {
                return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
