package dev.ragstream.query.retrieval;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The seed's chat filters ({@code speaker}, {@code topic}, {@code file_id}, {@code document_type})
 * plus {@code filename}: only documents matching all of them are searched. Text values match
 * without regard to case; {@code file_id} is a document id. Blank values filter nothing, as the
 * PHP clients send them.
 *
 * @param values filter name → value, in {@link #NAMES} order
 */
public record MetadataFilter(Map<String, String> values) {

    public static final List<String> NAMES = List.of("speaker", "topic", "file_id", "document_type", "filename");
    public static final MetadataFilter NONE = new MetadataFilter(Map.of());
    private static final int MAX_VALUE = 500;

    public MetadataFilter {
        values = Map.copyOf(values);
    }

    /**
     * The filters of a request's {@code metadata} object (null or JSON null: none).
     * @throws IllegalArgumentException naming what is wrong, for the client
     */
    public static MetadataFilter of(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return NONE;
        }
        if (!metadata.isObject()) {
            throw new IllegalArgumentException("metadata must be an object of filters: " + String.join(", ", NAMES));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : metadata.properties()) {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isString() && !value.isNumber()) {
                throw new IllegalArgumentException("metadata." + field.getKey() + " must be a string");
            }
            values.put(field.getKey(), value.asString());
        }
        return of(values);
    }

    /** @throws IllegalArgumentException for an unknown filter, a value too long or a file_id that is no document id */
    public static MetadataFilter of(Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> filter : given.entrySet()) {
            if (!NAMES.contains(filter.getKey())) {
                throw new IllegalArgumentException("Unknown metadata filter '" + filter.getKey() + "'; known are " + String.join(", ", NAMES));
            }
            String value = filter.getValue() == null ? "" : filter.getValue().strip();
            if (value.isEmpty()) {
                continue;
            }
            if (value.length() > MAX_VALUE) {
                throw new IllegalArgumentException("metadata." + filter.getKey() + " must be at most " + MAX_VALUE + " characters");
            }
            if (filter.getKey().equals("file_id")) {
                try {
                    UUID.fromString(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("metadata.file_id must be a document id (a UUID)");
                }
            }
            values.put(filter.getKey(), value);
        }
        return values.isEmpty() ? NONE : new MetadataFilter(values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The conditions on the documents table aliased {@code d}: {@code ""}, or {@code " AND …"} with one parameter each. */
    String sql() {
        StringBuilder sql = new StringBuilder();
        for (String name : NAMES) {
            if (values.containsKey(name)) {
                sql.append(switch (name) {
                    case "file_id" -> " AND d.id = ?::uuid";
                    case "filename" -> " AND lower(d.filename) = lower(?)";
                    default -> " AND lower(d.metadata->>'" + name + "') = lower(?)";
                });
            }
        }
        return sql.toString();
    }

    /** Binds the parameters of {@link #sql()} from {@code index} on; returns the next free index. */
    int bind(PreparedStatement ps, int index) throws SQLException {
        for (String name : NAMES) {
            if (values.containsKey(name)) {
                ps.setString(index++, values.get(name));
            }
        }
        return index;
    }
}
