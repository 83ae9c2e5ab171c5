package dev.ragstream.testsupport.openai;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and checks an embeddings request body the way the OpenAI API does. */
final class EmbeddingsRequests {

    private EmbeddingsRequests() {
    }

    /** What is wrong with {@code request}, in OpenAI's words where known, or null if nothing is. */
    static String problem(JsonNode request, Map<String, Integer> modelDimensions) {
        if (request == null || !request.isObject()) {
            return "We could not parse the JSON body of your request.";
        }
        if (request.get("model") == null || !request.get("model").isString()) {
            return "you must provide a model parameter";
        }
        String inputProblem = inputProblem(request.get("input"));
        if (inputProblem != null) {
            return inputProblem;
        }
        JsonNode format = request.get("encoding_format");
        if (format != null && !format.isNull() && !"float".equals(format.asString())) {
            return "This fake server only answers encoding_format float, not " + format;
        }
        return dimensionsProblem(request.get("model").asString(), request.get("dimensions"), modelDimensions);
    }

    private static String inputProblem(JsonNode input) {
        if (input == null || input.isNull()) {
            return "'input' is a required property";
        }
        if (!input.isString() && !(input.isArray() && input.size() > 0 && allStrings(input))) {
            return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
        }
        if (input.size() > FakeOpenAiEmbeddingsServer.MAX_INPUTS) {
            return "'$.input' is too long. Maximum " + FakeOpenAiEmbeddingsServer.MAX_INPUTS + " inputs per request.";
        }
        List<String> texts = texts(input);
        if (texts.stream().anyMatch(String::isEmpty)) {
            return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
        }
        int tokens = tokens(texts);
        if (tokens > FakeOpenAiEmbeddingsServer.MAX_TOKENS) {
            return "Requested " + tokens + " tokens, max " + FakeOpenAiEmbeddingsServer.MAX_TOKENS
                    + " tokens per request";
        }
        return null;
    }

    private static String dimensionsProblem(String model, JsonNode dimensions, Map<String, Integer> modelDimensions) {
        if (dimensions == null || dimensions.isNull()) {
            return null;
        }
        if (!dimensions.canConvertToInt() || !dimensions.isIntegralNumber() || dimensions.asInt() < 1) {
            return "Invalid value for 'dimensions': must be a positive integer.";
        }
        if (model.equals("text-embedding-ada-002")) {
            return "This model does not support specifying dimensions.";
        }
        Integer most = modelDimensions.get(model);
        if (most != null && dimensions.asInt() > most) {
            return "This model supports at most " + most + " dimensions, not " + dimensions.asInt() + ".";
        }
        return null;
    }

    /** The texts of a request body's {@code input}; empty if it has none that are strings. */
    static List<String> input(JsonNode request) {
        return texts(request.get("input"));
    }

    private static List<String> texts(JsonNode input) {
        List<String> texts = new ArrayList<>();
        if (input != null && input.isString()) {
            texts.add(input.asString());
        } else if (input != null && input.isArray() && allStrings(input)) {
            input.forEach(text -> texts.add(text.asString()));
        }
        return texts;
    }

    private static boolean allStrings(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isString()) {
                return false;
            }
        }
        return true;
    }

    /** OpenAI's rule of thumb, about four characters a token. */
    static int tokens(List<String> texts) {
        return texts.stream().mapToInt(text -> text.length() / 4 + 1).sum();
    }
}
