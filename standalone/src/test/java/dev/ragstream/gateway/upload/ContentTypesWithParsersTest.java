package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.standalone.corpus.Corpus;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.Test;

/**
 * The gateway's detection where the ingest worker's parsers share its JVM (the standalone default),
 * so Tika's container detectors are on the class path: it answers as Tika's default detector for
 * every document of the conversion corpus, the samples, and binary containers and archives that
 * the magic-byte detector alone could take for something else. (In the gateway's own module only
 * the magic-byte detector exists; {@code ContentTypesTest} covers that.)
 */
class ContentTypesWithParsersTest {

    @Test
    void theContainerDetectorsAreHere() {
        assertThat(new DefaultDetector(MimeTypes.getDefaultMimeTypes()).getDetectors()).hasSizeGreaterThan(3)
                .anyMatch(d -> d.getClass().getSimpleName().equals("DefaultZipContainerDetector"));
    }

    @Test
    void answersAsTikasDefaultDetectorForEveryDocumentAndContainer() throws IOException {
        Detector tika = new DefaultDetector(MimeTypes.getDefaultMimeTypes());
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (Corpus.Case c : Corpus.cases()) {
            contents.put(c.filename(), c.content());
        }
        try (Stream<Path> samples = Files.list(Path.of("../samples"))) {
            for (Path sample : samples.filter(Files::isRegularFile).toList()) {
                contents.put(sample.getFileName().toString(), Files.readAllBytes(sample));
            }
        }
        contents.put("archive.tar", tar("notes.txt", "espresso at nine\n".repeat(40)));
        contents.put("notes.txt.gz", gzip("espresso at nine\n".repeat(400)));
        contents.put("ole.doc", ole());
        contents.put("random.bin", random());
        for (Map.Entry<String, byte[]> content : contents.entrySet()) {
            for (String name : List.of(content.getKey(), "upload")) {
                Metadata metadata = new Metadata();
                metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
                String expected = tika.detect(new BufferedInputStream(new ByteArrayInputStream(content.getValue())), metadata)
                        .getBaseType().toString();
                assertThat(ContentTypes.detect(new BufferedInputStream(new ByteArrayInputStream(content.getValue()), 64 * 1024), name))
                        .as(content.getKey() + " named " + name).isEqualTo(expected);
            }
        }
        assertThat(ContentTypes.detect(new BufferedInputStream(new ByteArrayInputStream(contents.get("report.docx"))), "upload"))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    /** One ustar entry. */
    private static byte[] tar(String name, String text) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            org.apache.commons.compress.archivers.tar.TarArchiveEntry entry =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
            entry.setSize(bytes.length);
            tar.putArchiveEntry(entry);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    private static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** An OLE2 compound document (the container of .doc and .xls), as Apache POI writes it. */
    private static byte[] ole() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (org.apache.poi.poifs.filesystem.POIFSFileSystem fs = new org.apache.poi.poifs.filesystem.POIFSFileSystem()) {
            fs.createDocument(new ByteArrayInputStream("espresso".getBytes(StandardCharsets.UTF_8)), "Notes");
            fs.writeFilesystem(out);
        }
        return out.toByteArray();
    }

    private static byte[] random() {
        byte[] bytes = new byte[9_000];
        new Random(5).nextBytes(bytes);
        return bytes;
    }
}
