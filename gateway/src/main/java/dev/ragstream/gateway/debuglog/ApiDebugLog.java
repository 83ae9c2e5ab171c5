package dev.ragstream.gateway.debuglog;

import dev.ragstream.platform.tenant.Tenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's API debug log: one JSON line per exchange in {@code API_DEBUG_LOG_PATH/<tenant>/api-<date>.jsonl}
 * (default {@code ./logs/api_debug}). The tenant id is validated, so it is a safe path segment.
 */
@Component
class ApiDebugLog {

    private final JsonMapper json;

    ApiDebugLog(JsonMapper json) {
        this.json = json;
    }

    static boolean enabled(Tenant tenant) {
        return "true".equalsIgnoreCase(tenant.get("API_DEBUG_LOGGING_ENABLED", "false"));
    }

    /** Appends one entry (already redacted). */
    synchronized void append(Tenant tenant, Map<String, Object> entry) throws IOException {
        Path dir = Files.createDirectories(directory(tenant));
        Path file = dir.resolve("api-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        Files.writeString(file, json.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Entries newest first, {@code size} of them from {@code offset}; reads the newest files only as far as needed. */
    List<JsonNode> recent(Tenant tenant, int offset, int size) {
        Path dir = directory(tenant);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            int skip = offset;
            for (Path file : files.filter(f -> f.getFileName().toString().matches("api-\\d{4}-\\d{2}-\\d{2}\\.jsonl"))
                    .sorted(Comparator.reverseOrder()).toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0 && out.size() < size; i--) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    out.add(json.readTree(lines.get(i)));
                }
                if (out.size() >= size) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API debug log of tenant " + tenant.id(), e);
        }
        return out;
    }

    private static Path directory(Tenant tenant) {
        return Path.of(tenant.get("API_DEBUG_LOG_PATH", "./logs/api_debug")).toAbsolutePath().normalize()
                .resolve(tenant.id().value());
    }
}
