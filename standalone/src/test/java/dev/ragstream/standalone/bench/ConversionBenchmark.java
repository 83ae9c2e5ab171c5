package dev.ragstream.standalone.bench;

import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.ingest.chunking.Chunker;
import dev.ragstream.ingest.chunking.ParagraphChunker;
import dev.ragstream.ingest.conversion.DocumentConverter;
import dev.ragstream.ingest.conversion.ForkedConverter;
import dev.ragstream.ingest.conversion.TikaDocumentConverter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * {@code bin/ragstream bench convert}: conversion pages/s on one core for text PDFs — Tika in this
 * JVM, and Tika in a parser process as the ingest worker runs it — and chunking MB/s of the
 * resulting markdown with the model's tokenizer. Generates its own PDFs (10 pages of prose each),
 * warms up first, prints one markdown table.
 */
public final class ConversionBenchmark {

    private static final int PAGES_PER_PDF = 10;
    private static final String[] WORDS = {"roastery", "delivery", "green", "coffee", "lot", "cupping", "moisture",
            "density", "profile", "batch", "Tuesday", "quality", "farm", "washed", "natural", "espresso", "grinder",
            "water", "the", "of", "and", "every", "before", "after", "team", "records"};

    private ConversionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<byte[]> pdfs = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < documents; i++) {
            pdfs.add(pdf(random));
        }
        TikaDocumentConverter inProcess = new TikaDocumentConverter(20_000_000);
        convertAll(inProcess, pdfs); // warm-up
        long t0 = System.nanoTime();
        List<String> markdown = convertAll(inProcess, pdfs);
        double inProcessSeconds = (System.nanoTime() - t0) / 1e9;

        double forkedSeconds;
        try (ForkedConverter forked = new ForkedConverter(20_000_000, Duration.ofMinutes(2), 512)) {
            convertAll(forked, pdfs); // starts the parser process and warms it up
            long t1 = System.nanoTime();
            convertAll(forked, pdfs);
            forkedSeconds = (System.nanoTime() - t1) / 1e9;
        }

        double chunkSeconds;
        long markdownBytes = markdown.stream().mapToLong(m -> m.getBytes(StandardCharsets.UTF_8).length).sum();
        int chunks = 0;
        try (MiniLmEmbeddingModel model = MiniLmEmbeddingModel.load()) {
            ParagraphChunker chunker = new ParagraphChunker(model);
            for (String m : markdown) { // warm-up
                chunker.chunk(m, new Chunker.Budget(120));
            }
            long t2 = System.nanoTime();
            for (String m : markdown) {
                chunks += chunker.chunk(m, new Chunker.Budget(120)).size();
            }
            chunkSeconds = (System.nanoTime() - t2) / 1e9;
        }
        int pages = documents * PAGES_PER_PDF;
        System.out.printf("| measure (one thread, %d text PDFs of %d pages) | result |%n", documents, PAGES_PER_PDF);
        System.out.println("|---|---|");
        System.out.printf("| Tika in the worker's JVM | %.0f pages/s |%n", pages / inProcessSeconds);
        System.out.printf("| Tika in a parser process (as deployed) | %.0f pages/s |%n", pages / forkedSeconds);
        System.out.printf("| chunking (120-token budget, MiniLM tokenizer) | %.2f MB/s (%d chunks from %.1f MB of markdown) |%n",
                markdownBytes / 1e6 / chunkSeconds, chunks, markdownBytes / 1e6);
        System.exit(0);
    }

    private static List<String> convertAll(DocumentConverter converter, List<byte[]> pdfs) {
        List<String> markdown = new ArrayList<>();
        for (byte[] pdf : pdfs) {
            markdown.add(converter.convert(new ByteArrayInputStream(pdf), "bench.pdf", "application/pdf").markdown());
        }
        return markdown;
    }

    /** Ten pages of about 45 lines of prose each. */
    private static byte[] pdf(Random random) throws IOException {
        return pdf(random, PAGES_PER_PDF);
    }

    /** {@code pages} pages of about 45 lines of prose each. */
    static byte[] pdf(Random random, int pages) throws IOException {
        return pdf(random, pages, 45);
    }

    /** {@code pages} pages of {@code lines} lines of prose each. */
    static byte[] pdf(Random random, int pages, int lines) throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int p = 0; p < pages; p++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                    text.beginText();
                    text.setFont(font, 10);
                    text.newLineAtOffset(60, 740);
                    for (int line = 0; line < lines; line++) {
                        StringBuilder sentence = new StringBuilder();
                        while (sentence.length() < 90) {
                            sentence.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                        }
                        text.showText(sentence.toString().strip() + (line % 6 == 5 ? "." : ""));
                        text.newLineAtOffset(0, -15);
                    }
                    text.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        }
    }
}
