package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parser process {@link ForkedConverter} starts: reads one JSON request per line on stdin
 * ({@code path}, {@code filename}, {@code content_type}), converts the file with Tika and answers one
 * JSON line on stdout ({@code markdown} and {@code metadata}, or {@code reason} and {@code message}).
 * Everything else a parser prints goes to stderr, so it cannot corrupt the answers. Runs until
 * stdin closes; its heap is capped by the parent, and running out of it ends the process.
 */
public final class ConversionChild {

    private ConversionChild() {
    }

    public static void main(String[] args) throws Exception {
        int maxChars = Integer.parseInt(args[0]);
        PrintStream answers = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        JsonMapper json = JsonMapper.builder().build();
        TikaDocumentConverter tika = new TikaDocumentConverter(maxChars);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = requests.readLine()) != null; ) {
            JsonNode request = json.readTree(line);
            Map<String, Object> answer = new LinkedHashMap<>();
            try (InputStream in = Files.newInputStream(Path.of(request.path("path").asString()))) {
                DocumentConverter.ConvertedDocument converted = tika.convert(in, text(request, "filename"),
                        text(request, "content_type"));
                answer.put("markdown", converted.markdown());
                answer.put("metadata", converted.metadata());
            } catch (PermanentException e) {
                answer.put("reason", e.reason());
                answer.put("message", e.getMessage());
            } catch (RuntimeException e) { // a parser bug is this document's failure, not the process's
                answer.put("reason", "corrupt_document");
                answer.put("message", "parser failed: " + e.getClass().getName());
            }
            answers.println(json.writeValueAsString(answer));
        }
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
