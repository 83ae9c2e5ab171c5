package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.io.TemporaryResources;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.ParserDecorator;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Converts with Apache Tika's auto-detecting parser. Markdown and plain text pass through as
 * they are (they already are markdown); everything else is rebuilt from Tika's XHTML. A ZIP-based
 * document (DOCX, PPTX, XLSX, ODT, EPUB) is inflated once, counting, before it is parsed: no entry
 * may expand more than {@value #MAX_INFLATE_RATIO} times its compressed size (past its first
 * megabyte), nor all entries together past {@value #MAX_INFLATED_MB} MB.
 */
public final class TikaDocumentConverter implements DocumentConverter {

    private static final Set<String> TEXT_TYPES = Set.of("text/plain", "text/markdown", "text/x-markdown");
    private static final Set<String> TEXT_EXTENSIONS = Set.of(".md", ".markdown", ".txt");

    private static final Pattern PAGE_MARKERS = Pattern.compile("(?m)^<!-- page \\d+ -->$");

    static final int MAX_EMBEDDED = 100;
    static final int MAX_EMBEDDED_DEPTH = 3;
    static final int MAX_INFLATE_RATIO = 100;
    static final int MAX_INFLATED_MB = 1024;
    private static final long RATIO_GRACE_BYTES = 1024 * 1024;

    private final AutoDetectParser parser = new AutoDetectParser();
    private final int maxChars;
    private final int maxEmbedded;
    private final int maxDepth;

    /** @param maxChars most characters kept from one document; the rest is cut and the cut recorded */
    public TikaDocumentConverter(int maxChars) {
        this(maxChars, MAX_EMBEDDED, MAX_EMBEDDED_DEPTH);
    }

    /**
     * @param maxEmbedded embedded documents (attachments, OLE objects …) parsed at most; the rest are skipped
     * @param maxDepth    how deep embedded documents nest at most (an attachment of an attachment is depth 2)
     */
    TikaDocumentConverter(int maxChars, int maxEmbedded, int maxDepth) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive");
        }
        this.maxChars = maxChars;
        this.maxEmbedded = maxEmbedded;
        this.maxDepth = maxDepth;
    }

    @Override
    public ConvertedDocument convert(InputStream content, String filename, String contentType) {
        String name = filename == null ? "" : filename;
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        if (contentType != null) {
            metadata.set(Metadata.CONTENT_TYPE, contentType);
        }
        try {
            InputStream in = content.markSupported() ? content : new BufferedInputStream(content);
            if (isEmpty(in)) {
                throw new PermanentException("no_extractable_text", "document " + name + " is empty");
            }
            return isPlainText(name, contentType) ? plainText(in, metadata) : parse(in, name, metadata);
        } catch (EncryptedDocumentException e) {
            throw new PermanentException("encrypted_document", "document " + name + " is encrypted", e);
        } catch (UnsupportedFormatException e) {
            throw new PermanentException("unsupported_type", "no parser for " + name, e);
        } catch (TikaException | SAXException e) {
            throw new PermanentException("corrupt_document", "cannot parse " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PermanentException("unreadable_document", "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private ConvertedDocument parse(InputStream in, String name, Metadata metadata)
            throws IOException, TikaException, SAXException {
        MarkdownContentHandler handler = new MarkdownContentHandler(maxChars);
        ParseContext context = new ParseContext();
        EmbeddedLimits embedded = new EmbeddedLimits(parser, maxEmbedded, maxDepth);
        context.set(Parser.class, embedded);
        try (TemporaryResources temporary = new TemporaryResources()) {
            TikaInputStream tika = TikaInputStream.get(in, temporary, metadata);
            if (isZip(tika)) {
                requireSaneCompression(tika.getPath(), name); // spools to a file, which the parser then reads too
            }
            parser.parse(tika, handler, metadata, context);
        }
        String markdown = handler.markdown();
        if (PAGE_MARKERS.matcher(markdown).replaceAll("").isBlank()) {
            MediaType detected = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE));
            if (detected != null && MediaType.OCTET_STREAM.equals(detected.getBaseType())) {
                throw new PermanentException("unsupported_type", "unsupported content in " + name);
            }
            throw new PermanentException("no_extractable_text", "no extractable text in " + name);
        }
        String title = metadata.get(TikaCoreProperties.TITLE);
        if (title != null && !title.isBlank() && !markdown.startsWith("#") && !markdown.contains(title.strip())) {
            // a title that is not in the text (a mail's subject, a PDF's title) heads it, so its chunks carry it
            markdown = "# " + title.strip().replaceAll("\\s+", " ") + "\n\n" + markdown;
        }
        Map<String, String> described = describe(metadata, handler.truncated());
        if (embedded.reached) {
            described.put("embedded_limit_reached", "true");
        }
        if (handler.pages() > 0) {
            described.put("pages", String.valueOf(handler.pages()));
        }
        return new ConvertedDocument(markdown, described);
    }

    private static boolean isZip(InputStream in) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /**
     * Inflates every entry of the archive into nothing, counting: refuses a zip bomb before a
     * parser holds any of it. Sizes the archive declares are not trusted; only inflated bytes count.
     */
    static void requireSaneCompression(Path archive, String name) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                long compressed = Math.max(1, entry.getCompressedSize());
                long inflated = 0;
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        inflated += n;
                        total += n;
                        if (inflated > RATIO_GRACE_BYTES && inflated > MAX_INFLATE_RATIO * compressed) {
                            throw new PermanentException("compression_ratio_exceeded", "an entry of " + name
                                    + " expands more than " + MAX_INFLATE_RATIO + " times its compressed size");
                        }
                        if (total > MAX_INFLATED_MB * 1024L * 1024) {
                            throw new PermanentException("compression_ratio_exceeded", name + " expands to more than "
                                    + MAX_INFLATED_MB + " MB");
                        }
                    }
                }
            }
        } catch (ZipException e) {
            throw new PermanentException("corrupt_document", "cannot read the archive " + name + ": " + e.getMessage(), e);
        }
    }

    private ConvertedDocument plainText(InputStream in, Metadata metadata) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, 4L * maxChars));
        boolean complete = in.read() == -1;
        String text = PlainTextDecoder.decode(bytes, declaredCharset(metadata.get(Metadata.CONTENT_TYPE)), complete).replace("\r\n", "\n");
        boolean truncated = !complete || text.length() > maxChars;
        String markdown = (text.length() > maxChars ? cut(text) : text).strip();
        if (markdown.isEmpty()) {
            throw new PermanentException("no_extractable_text", "the document is empty");
        }
        return new ConvertedDocument(markdown, describe(metadata, truncated));
    }

    /** The first {@code maxChars} characters, without splitting a surrogate pair. */
    private String cut(String text) {
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    private static boolean isEmpty(InputStream in) throws IOException {
        in.mark(1);
        boolean empty = in.read() == -1;
        in.reset();
        return empty;
    }

    private static boolean isPlainText(String name, String contentType) {
        String lower = name.toLowerCase(Locale.ROOT);
        MediaType type = contentType == null ? null : MediaType.parse(contentType);
        return TEXT_EXTENSIONS.stream().anyMatch(lower::endsWith)
                || (type != null && TEXT_TYPES.contains(type.getBaseType().toString()));
    }

    private static Charset declaredCharset(String contentType) {
        MediaType type = contentType == null ? null : MediaType.parse(contentType);
        String charset = type == null ? null : type.getParameters().get("charset");
        try {
            return charset != null && Charset.isSupported(charset) ? Charset.forName(charset) : null;
        } catch (IllegalArgumentException e) {
            return null; // an illegal charset name: decode as if none was declared
        }
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

    /**
     * The parser embedded documents are handed to: parses at most {@code maxCount} of them, nested
     * at most {@code maxDepth} deep, and skips the others (noting that it did). One per document.
     */
    private static final class EmbeddedLimits extends ParserDecorator {
        private final int maxCount;
        private final int maxDepth;
        private int count;
        private int depth;
        private boolean reached;

        EmbeddedLimits(Parser parser, int maxCount, int maxDepth) {
            super(parser);
            this.maxCount = maxCount;
            this.maxDepth = maxDepth;
        }

        @Override
        public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context)
                throws IOException, SAXException, TikaException {
            if (count >= maxCount || depth >= maxDepth) {
                reached = true;
                return;
            }
            count++;
            depth++;
            try {
                super.parse(stream, handler, metadata, context);
            } finally {
                depth--;
            }
        }
    }
}
