package dev.ragstream.ingest.conversion;

import dev.ragstream.ingest.conversion.DoclingException.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads docling-serve's answer ({@code {"document": {"md_content", "json_content"}, "status",
 * "errors"}}) into a {@link DocumentConverter.ConvertedDocument}.
 *
 * <p>Page provenance: docling-serve puts {@link #PAGE_BREAK} between pages of the markdown. Each
 * page's markdown is given a marker line {@code <!-- page N -->} (then a blank line) at its start,
 * N being the page number from Docling's JSON document: the {@code prov[0].page_no} of the items
 * in reading order ({@code body} and its children), where the page changes — the same rule Docling
 * breaks pages by. Should the count of those changes and of the markdown's pages differ, pages are
 * numbered 1, 2, 3 … instead. Documents without pages (HTML, DOCX …) get no markers. Metadata:
 * {@code pages} (pages converted), {@code page_limit_reached} when that is {@code maxPages}, so
 * later pages may be missing, {@code docling_status} on a partial success, {@code truncated} when
 * the markdown was cut at {@code maxChars}. Image placeholders are dropped.
 */
final class DoclingResponse {

    static final String PAGE_BREAK = "<!-- ragstream:page-break -->";
    private static final Pattern IMAGE = Pattern.compile("(?m)^[ \\t]*<!-- image -->[ \\t]*$");

    private DoclingResponse() {
    }

    /** @throws DoclingException {@code BAD_RESPONSE} for JSON that is not a conversion result, {@code REJECTED} for a failed one */
    static DocumentConverter.ConvertedDocument read(JsonMapper json, byte[] body, int maxChars, int maxPages) {
        JsonNode root = parse(json, body);
        String status = text(root.path("status"));
        JsonNode document = root.path("document");
        if (!document.isObject() || status.isEmpty()) {
            throw new DoclingException(Reason.BAD_RESPONSE, "docling-serve's answer is not a conversion result");
        }
        if (!status.equals("success") && !status.equals("partial_success")) {
            throw new DoclingException(Reason.REJECTED, "docling-serve could not convert the document: status "
                    + status + ", " + root.path("errors").size() + " errors");
        }
        String markdown = IMAGE.matcher(text(document.path("md_content"))).replaceAll("");
        JsonNode content = document.path("json_content");
        int pages = content.path("pages").size();
        String paged = pages == 0 ? markdown.replace(PAGE_BREAK, "") : withPageMarkers(markdown, pageOrder(content));
        paged = paged.replaceAll("\n{3,}", "\n\n").strip();
        if (paged.isEmpty()) {
            throw new DoclingException(Reason.REJECTED, "docling-serve found no text in the document");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (pages > 0) {
            metadata.put("pages", String.valueOf(pages));
        }
        if (pages >= maxPages) {
            metadata.put("page_limit_reached", "true");
        }
        if (status.equals("partial_success")) {
            metadata.put("docling_status", status);
        }
        if (paged.length() > maxChars) {
            metadata.put("truncated", "true");
            paged = paged.substring(0, Character.isHighSurrogate(paged.charAt(maxChars - 1)) ? maxChars - 1 : maxChars);
        }
        return new DocumentConverter.ConvertedDocument(paged, metadata);
    }

    private static JsonNode parse(JsonMapper json, byte[] body) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            // not e's message: it may quote the body, and the body is the document's text
            throw new DoclingException(Reason.BAD_RESPONSE, "docling-serve's answer is not JSON");
        }
    }

    private static String withPageMarkers(String markdown, List<Integer> order) {
        String[] pages = markdown.split(Pattern.quote(PAGE_BREAK), -1);
        boolean numbered = order.size() == pages.length;
        StringBuilder out = new StringBuilder(markdown.length() + 32 * pages.length);
        for (int i = 0; i < pages.length; i++) {
            String page = pages[i].strip();
            if (!page.isEmpty()) {
                out.append("<!-- page ").append(numbered ? order.get(i) : i + 1).append(" -->\n\n").append(page).append("\n\n");
            }
        }
        return out.toString();
    }

    /** The page numbers of the document's items in reading order, each run of one page once. */
    private static List<Integer> pageOrder(JsonNode content) {
        List<Integer> order = new ArrayList<>();
        walk(content, content.path("body"), order, new HashSet<>());
        return order;
    }

    private static void walk(JsonNode content, JsonNode item, List<Integer> order, Set<String> seen) {
        int page = item.path("prov").path(0).path("page_no").asInt(0);
        if (page > 0 && (order.isEmpty() || order.get(order.size() - 1) != page)) {
            order.add(page);
        }
        for (JsonNode child : item.path("children")) {
            String ref = text(child.path("$ref"));
            if (ref.startsWith("#/") && seen.add(ref)) {
                walk(content, content.at(ref.substring(1)), order, seen);
            }
        }
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : "";
    }
}
