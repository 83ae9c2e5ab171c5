package dev.ragstream.gateway.upload;

import dev.ragstream.platform.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What an upload says about its documents, kept in their metadata so chat can filter by it (the
 * seed's {@code speaker}, {@code topic} and {@code document_type}): form fields of a multipart
 * upload, or fields of a JSON one, applying to every document of the upload. A document without a
 * {@code document_type} gets the kind of its detected content ({@code pdf}, {@code docx}, …).
 */
final class DocumentLabels {

    static final List<String> FIELDS = List.of("speaker", "topic", "document_type");
    static final int MAX_LENGTH = 200;
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]");

    private final Map<String, String> values = new LinkedHashMap<>();

    static boolean isLabel(String field) {
        return FIELDS.contains(field);
    }

    /** The labels among a JSON body's fields. @throws ApiException 400 for a label that is no valid string */
    static DocumentLabels of(JsonNode body) {
        DocumentLabels labels = new DocumentLabels();
        for (String field : FIELDS) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                if (!value.isString()) {
                    throw ApiException.badRequest("invalid-" + field.replace('_', '-'), field + " must be a string");
                }
                labels.put(field, value.stringValue());
            }
        }
        return labels;
    }

    /** @throws ApiException 400 for a value that is blank, too long, has control characters, or a malformed type */
    void put(String field, String value) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > MAX_LENGTH || CONTROL.matcher(v).find()) {
            throw ApiException.badRequest("invalid-" + field.replace('_', '-'),
                    field + " must be 1-" + MAX_LENGTH + " characters on one line");
        }
        if (field.equals("document_type")) {
            v = v.toLowerCase(Locale.ROOT);
            if (!TYPE.matcher(v).matches()) {
                throw ApiException.badRequest("invalid-document-type",
                        "document_type must be 1-40 lowercase letters, digits, '.', '-' or '_'");
            }
        }
        values.put(field, v);
    }

    /** The metadata of one document of the upload. */
    Map<String, String> metadata(UploadIntake.Staged file) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (file.sourceUrl() != null) {
            metadata.put("source_url", file.sourceUrl().toString());
        }
        metadata.put("document_type", documentType(file.contentType()));
        metadata.putAll(values);
        return metadata;
    }

    /** The kind of a detected content type, as {@code document_type} names it. */
    static String documentType(String contentType) {
        return switch (contentType) {
            case "application/pdf" -> "pdf";
            case "application/vnd.openxmlformats-officedocument.wordprocessingml.document" -> "docx";
            case "application/vnd.openxmlformats-officedocument.presentationml.presentation" -> "pptx";
            case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" -> "xlsx";
            case "application/x-tika-ooxml" -> "office";
            case "application/vnd.oasis.opendocument.text" -> "odt";
            case "application/rtf" -> "rtf";
            case "text/html", "application/xhtml+xml" -> "html";
            case "text/markdown", "text/x-web-markdown" -> "markdown";
            case "text/csv" -> "csv";
            case "message/rfc822" -> "email";
            case "application/epub+zip" -> "epub";
            default -> "text";
        };
    }
}
