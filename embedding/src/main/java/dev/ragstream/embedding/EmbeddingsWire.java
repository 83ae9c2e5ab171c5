package dev.ragstream.embedding;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's embeddings wire format: the request body, the vectors of a success and the message of
 * an error. A success is read as a stream, since 2048 vectors of 3072 floats are some 80 MB of JSON.
 */
final class EmbeddingsWire {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EmbeddingsWire() {
    }

    /** A response that does not hold what a successful embeddings response must. */
    static final class MalformedResponseException extends RuntimeException {
        MalformedResponseException(String message) {
            super(message);
        }

        MalformedResponseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code {"model":…, "input":[…], "dimensions":… (only if not null), "encoding_format":"float"}}. */
    static byte[] request(String model, List<String> input, Integer dimensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("input", input);
        if (dimensions != null) {
            body.put("dimensions", dimensions);
        }
        body.put("encoding_format", "float");
        return JSON.writeValueAsBytes(body);
    }

    /**
     * The vectors of {@code data}, placed by their {@code index}, as many as {@code count}.
     *
     * @throws MalformedResponseException if the body is not JSON, lacks {@code data}, or does not
     *                                    hold exactly one array of numbers for each index below {@code count}
     */
    static float[][] vectors(byte[] body, int count) {
        float[][] vectors = new float[count][];
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "is not a JSON object");
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String property = parser.currentName();
                parser.nextToken();
                if ("data".equals(property)) {
                    readData(parser, vectors);
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new MalformedResponseException("is not valid JSON", e);
        }
        long missing = Arrays.stream(vectors).filter(vector -> vector == null).count();
        expect(missing == 0, "has no embedding for " + missing + " of " + count + " inputs");
        return vectors;
    }

    private static void readData(JsonParser parser, float[][] vectors) {
        expect(parser.currentToken() == JsonToken.START_ARRAY, "has a data property that is not an array");
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            int index = -1;
            float[] vector = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String property = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("index".equals(property)) {
                    expect(value == JsonToken.VALUE_NUMBER_INT, "has an index that is not an integer");
                    index = parser.getIntValue();
                } else if ("embedding".equals(property)) {
                    vector = readFloats(parser);
                } else {
                    parser.skipChildren();
                }
            }
            expect(index >= 0 && index < vectors.length, "has an embedding at index " + index
                    + ", outside 0 to " + (vectors.length - 1));
            expect(vectors[index] == null, "has two embeddings at index " + index);
            expect(vector != null && vector.length > 0, "has no embedding numbers at index " + index);
            vectors[index] = vector;
        }
        expect(parser.currentToken() == JsonToken.END_ARRAY, "has a data element that is not an object");
    }

    private static float[] readFloats(JsonParser parser) {
        expect(parser.currentToken() == JsonToken.START_ARRAY, "has an embedding that is not an array of numbers");
        float[] values = new float[1024];
        int size = 0;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = parser.getFloatValue();
        }
        expect(token == JsonToken.END_ARRAY, "has an embedding that is not an array of numbers");
        return Arrays.copyOf(values, size);
    }

    /**
     * The message an error response carries: OpenAI's {@code error.message}, Ollama's
     * {@code error}, or FastAPI's {@code detail} or {@code message}; otherwise the body as text.
     */
    static String errorMessage(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            for (JsonNode candidate : new JsonNode[]{json.path("error").path("message"), json.path("error"),
                    json.path("detail"), json.path("message")}) {
                if (candidate.isString()) {
                    return candidate.asString();
                }
            }
            return json.toString();
        } catch (JacksonException e) {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static void expect(boolean condition, String otherwise) {
        if (!condition) {
            throw new MalformedResponseException(otherwise);
        }
    }
}
