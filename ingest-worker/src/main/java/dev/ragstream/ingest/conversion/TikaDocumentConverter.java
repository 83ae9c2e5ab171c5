package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.xml.sax.SAXException;

/**
 * Converts with Apache Tika's auto-detecting parser. Markdown and plain text pass through as
 * they are (they already are markdown); everything else is rebuilt from Tika's XHTML.
 */
public final class TikaDocumentConverter implements DocumentConverter {

    private final AutoDetectParser parser = new AutoDetectParser();
    private final int maxChars;

    public TikaDocumentConverter(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public ConvertedDocument convert(InputStream content, String filename, String contentType) {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        if (contentType != null) {
            metadata.set(Metadata.CONTENT_TYPE, contentType);
        }
        MarkdownContentHandler handler = new MarkdownContentHandler(maxChars);
        ParseContext context = new ParseContext();
        context.set(Parser.class, parser);
        try {
            if (isPlainText(filename, contentType)) {
                return plainText(content, metadata);
            }
            parser.parse(content, handler, metadata, context);
        } catch (EncryptedDocumentException e) {
            throw new PermanentException("encrypted_document", "document " + filename + " is encrypted", e);
        } catch (UnsupportedFormatException e) {
            throw new PermanentException("unsupported_type", "no parser for " + filename, e);
        } catch (TikaException | SAXException e) {
            throw new PermanentException("corrupt_document", "cannot parse " + filename + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PermanentException("unreadable_document", "cannot read " + filename + ": " + e.getMessage(), e);
        }
        String detected = metadata.get(Metadata.CONTENT_TYPE);
        String markdown = handler.markdown();
        if (markdown.isBlank()) {
            if (detected != null && MediaType.parse(detected) != null
                    && MediaType.OCTET_STREAM.equals(MediaType.parse(detected).getBaseType())) {
                throw new PermanentException("unsupported_type", "unsupported content in " + filename);
            }
            throw new PermanentException("no_extractable_text", "no extractable text in " + filename);
        }
        return new ConvertedDocument(markdown, describe(metadata, handler.truncated()));
    }

    private ConvertedDocument plainText(InputStream content, Metadata metadata) throws IOException {
        byte[] bytes = content.readNBytes(maxChars * 4);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n");
        boolean truncated = text.length() > maxChars;
        String markdown = (truncated ? text.substring(0, maxChars) : text).strip();
        if (markdown.isEmpty()) {
            throw new PermanentException("no_extractable_text", "the document is empty");
        }
        if (markdown.chars().limit(4096).anyMatch(c -> c == 0)) {
            throw new PermanentException("unsupported_type", "binary content declared as text");
        }
        return new ConvertedDocument(markdown, describe(metadata, truncated));
    }

    private static boolean isPlainText(String filename, String contentType) {
        String name = filename.toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".txt")
                || "text/markdown".equals(contentType) || "text/plain".equals(contentType);
    }

    private static Map<String, String> describe(Metadata metadata, boolean truncated) {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "title", metadata.get(TikaCoreProperties.TITLE));
        put(out, "author", metadata.get(TikaCoreProperties.CREATOR));
        put(out, "language", metadata.get(TikaCoreProperties.LANGUAGE));
        put(out, "created", metadata.get(TikaCoreProperties.CREATED));
        put(out, "modified", metadata.get(TikaCoreProperties.MODIFIED));
        put(out, "detected_type", metadata.get(Metadata.CONTENT_TYPE));
        if (truncated) {
            out.put("truncated", "true");
        }
        return out;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null && !value.isBlank()) {
            out.put(key, value.strip());
        }
    }
}
