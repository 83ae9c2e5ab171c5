package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.MagicDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.mime.MimeTypesFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ContentTypesTest {

    @Test
    void theBytesDecideTheNameOnlyRefines() throws IOException {
        assertThat(detect("%PDF-1.7\n%âãÏÓ\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1), "notes.txt")).isEqualTo("application/pdf");
        assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, "report.pdf"))
                .isEqualTo("image/png");
        assertThat(detect("{\\rtf1\\ansi hello}".getBytes(StandardCharsets.US_ASCII), "letter.txt")).isEqualTo("application/rtf");
        assertThat(detect("# Title\n\nSome *markdown* text.\n".getBytes(StandardCharsets.UTF_8), "readme.md")).isEqualTo("text/markdown");
    }

    @Test
    void aLongTextIsTextAndItsStreamIsLeftWhereItWas() throws IOException {
        byte[] text = "green coffee lots are cupped twice before they go on sale.\n".repeat(2_000).getBytes(StandardCharsets.UTF_8);
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(text), 64 * 1024);

        assertThat(ContentTypes.detect(in, "lots.txt")).isEqualTo("text/plain");
        assertThat(in.readAllBytes()).as("every byte still to be staged").isEqualTo(text);
    }

    @Test
    void htmlIsFoundByItsTagsWhateverTheName() throws IOException {
        byte[] page = ("<!DOCTYPE html>\n<html><head><title>Menu</title></head><body>" + "<p>espresso</p>".repeat(3_000)
                + "</body></html>").getBytes(StandardCharsets.UTF_8);
        assertThat(detect(page, "menu.txt")).isEqualTo("text/html");
    }

    @Test
    void answersAsTikasFullRegistryForEveryKindOfContent() throws IOException {
        Detector tika = new DefaultDetector(MimeTypes.getDefaultMimeTypes());
        Random random = new Random(3);
        byte[] binary = new byte[9_000];
        random.nextBytes(binary);
        List<byte[]> contents = new ArrayList<>(List.of(binary,
                "%PDF-1.7\n%âãÏÓ\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1),
                "{\\rtf1\\ansi hello}".getBytes(StandardCharsets.US_ASCII),
                "<?xml version=\"1.0\"?><note><to>Tove</to></note>".getBytes(StandardCharsets.UTF_8),
                "From: a@example.com\r\nTo: b@example.com\r\nSubject: menu\r\n\r\nespresso".getBytes(StandardCharsets.UTF_8),
                "name,price\nespresso,2.50\nlatte,3.10\n".getBytes(StandardCharsets.UTF_8),
                "digraph beans { roast -> grind }".getBytes(StandardCharsets.UTF_8),
                ("ID3\u0004\u0000\u0000" + "\u0000".repeat(600) + "\u00ff\u00fb\u0090\u0064").getBytes(StandardCharsets.ISO_8859_1),
                illustrator()));
        try (Stream<Path> samples = Files.list(Path.of("../samples"))) {
            for (Path sample : samples.filter(Files::isRegularFile).toList()) {
                contents.add(Files.readAllBytes(sample));
            }
        }
        for (byte[] content : contents) {
            byte[] head = Arrays.copyOf(content, Math.min(content.length, 8 * 1024)); // what the magic sees
            for (String name : new String[] {"upload", "notes.txt", "page.html"}) {
                Metadata metadata = new Metadata();
                metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
                assertThat(detect(head, name)).as(new String(head, 0, Math.min(head.length, 40), StandardCharsets.ISO_8859_1))
                        .isEqualTo(tika.detect(new ByteArrayInputStream(head), metadata).getBaseType().toString());
            }
        }
    }

    @Test
    void anIllustratorFileIsFoundByTheMagicLeftOutForOtherContent() throws IOException {
        assertThat(detect(illustrator(), "drawing")).isEqualTo("application/illustrator+ps");
    }

    @Test
    void leavesOutTheWideMatchesAndTellsTheHeadsThatNeedThem() {
        assertThat(ContentTypes.REGISTRIES.leftOutLiterals()).contains("\nreceived:", "<html", "%ai5_fileformat ",
                "w\0i\0n\0d\0o\0w\0s\0 \0m\0e\0d\0i\0a\0 \0v\0i\0d\0e\0o\0");
        byte[] text = "green coffee lots are cupped twice before they go on sale.\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        assertThat(needsFull(text)).as("plain text").isFalse();
        assertThat(needsFull(illustrator())).isTrue();
        for (String literal : ContentTypes.REGISTRIES.leftOutLiterals()) {
            byte[] upper = literal.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
            byte[] inText = Arrays.copyOf(text, text.length + upper.length);
            System.arraycopy(upper, 0, inText, 3_000, upper.length);
            assertThat(needsFull(inText)).as(literal).isTrue();
            if (upper[upper.length - 1] == 0) { // Tika pads its match windows with zeros past the head
                assertThat(needsFull(Arrays.copyOf(upper, upper.length - 1))).as(literal).isTrue();
            }
        }
    }

    @Test
    void aHeadIsDetectedWithoutTheAnchoredExpressionsItCannotBeginAndWithoutMagicsWhereNoneCanMatch() {
        MagicRegistries registries = ContentTypes.REGISTRIES;
        assertThat(registries.forHead("The roastery ships green coffee.\n".getBytes(StandardCharsets.US_ASCII)))
                .as("no magic can match").isSameAs(registries.withoutMagic());
        assertThat(registries.forHead("%PDF-1.4\n%âãÏÓ\n".getBytes(StandardCharsets.ISO_8859_1)))
                .as("PDF's magic may match").isSameAs(registries.withoutAnchoredRegexToo());
        assertThat(registries.forHead("# Menu\n".getBytes(StandardCharsets.US_ASCII)))
                .isIn(registries.withoutAnchoredRegexToo(), registries.withoutMagic());
        for (String head : new String[] {"digraph beans { a -> b }", "  graph g {}", "BZh91AY", "function y = f(x)\n", "<div>menu</div>",
            "<H1>Menu</H1>", "12345nam", "P4\n1 1\n"}) {
            assertThat(registries.forHead(head.getBytes(StandardCharsets.ISO_8859_1))).as(head).isSameAs(registries.withoutWide());
        }
        // e-mail's (X|DKIM|ARC)- needs a header further on, a wide match: without one it went with the wide matches
        assertThat(registries.forHead("X-Mailer: x\n".getBytes(StandardCharsets.US_ASCII)))
                .isIn(registries.withoutAnchoredRegexToo(), registries.withoutMagic());
        assertThat(registries.forHead("X-Mailer: x\nFrom: a@example.com\n".getBytes(StandardCharsets.US_ASCII)))
                .isSameAs(registries.full());
        assertThat(registries.forHead("P".getBytes(StandardCharsets.US_ASCII))).as("one byte, then Tika's zero padding")
                .isIn(registries.withoutAnchoredRegexToo(), registries.withoutMagic());
    }

    @Test
    void theLeanRegistriesAnswerAsTheFullOneForEveryHeadTheyAreGiven() throws IOException {
        Detector tika = new DefaultDetector(MimeTypes.getDefaultMimeTypes());
        Random random = new Random(7);
        String[] lines = {"From the roastery we ship beans.", "Date palms grow here.", "<p>espresso</p>", "<?xml version=\"1.0\"?>",
            "%PDF-1.4", "Subject matter: coffee", "ID3", "MSCF", "{\\rtf1", "PK\u0003\u0004", "Windows Media", "%!PS-Adobe-3.0",
            "name,price", "# Title", "<svg xmlns=\"http://www.w3.org/2000/svg\">", "BEGIN:VCALENDAR", "\u00ef\u00bb\u00bf",
            "digraph g {", "strict graph", "function y = f(x)", "<html>", "<h2>", "BZh9", "JAVA PROFILE 1.0.2", "FCS3.0    ", "P5",
            "X-Mailer: x", "DKIM-Signature:", "0\nSECTION\n2\nHEADER\n", "\u00ff\u00fb\u0090", "\r\n\u00ff\u00fb", "\u0000\u0000ID3",
            "// comment", "/* c */ graph", "12345cam", "\u0003\u0001\u0002", " "};
        int withoutRegex = 0;
        int withoutMagic = 0;
        for (int n = 0; n < 6_000; n++) {
            StringBuilder head = new StringBuilder();
            if (random.nextInt(3) == 0) {
                head.append((char) random.nextInt(256)); // any first byte
            }
            for (int k = random.nextInt(40); k >= 0; k--) {
                head.append(lines[random.nextInt(lines.length)]).append(random.nextBoolean() ? "\n" : "\r\n");
            }
            byte[] bytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(1, 4)); // as short as Tika's zero padding matters
            }
            MimeTypes registry = ContentTypes.REGISTRIES.forHead(bytes);
            withoutRegex += registry == ContentTypes.REGISTRIES.withoutAnchoredRegexToo() ? 1 : 0;
            withoutMagic += registry == ContentTypes.REGISTRIES.withoutMagic() ? 1 : 0;
            String name = NAMES[random.nextInt(NAMES.length)]; // the name refines what the bytes say
            assertThat(registry.detect(new ByteArrayInputStream(bytes), named(name)))
                    .as(name + ": " + new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.ISO_8859_1))
                    .isEqualTo(ContentTypes.REGISTRIES.full().detect(new ByteArrayInputStream(bytes), named(name)));
            assertThat(detect(bytes, name)).isEqualTo(tika.detect(new ByteArrayInputStream(bytes), named(name)).getBaseType().toString());
        }
        assertThat(withoutRegex).as("heads detected without the wide matches and the anchored expressions").isGreaterThan(300);
        assertThat(withoutMagic).as("heads detected without magics").isGreaterThan(300);
    }

    /**
     * Each magic's own pattern, tested without Tika, answers as Tika's own matcher of it
     * ({@code MagicDetector.parse}): for a head made to match it (from the pattern as read here: read
     * wrongly, Tika's matcher would not match it), the same cut one byte short, moved across its
     * offsets, and random heads.
     */
    @Test
    void eachMagicIsTestedAsTikasOwnMatcherTestsIt() throws Exception {
        Document definitions;
        try (InputStream in = MimeTypes.class.getResourceAsStream("tika-mimetypes.xml")) {
            definitions = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        Random random = new Random(11);
        int made = 0;
        int tested = 0;
        NodeList magics = definitions.getElementsByTagName("magic");
        for (int i = 0; i < magics.getLength(); i++) {
            for (Element match : MagicRegistries.matches((Element) magics.item(i))) {
                if (match.hasAttribute("minShouldMatch")) {
                    continue; // no pattern of its own: tested through its registry below
                }
                MagicMatches.Match mine = MagicMatches.of(match);
                MagicDetector tikas = MagicDetector.parse(MediaType.TEXT_PLAIN,
                        match.getAttribute("type").isEmpty() ? "string" : match.getAttribute("type"),
                        match.hasAttribute("offset") ? match.getAttribute("offset") : null, match.getAttribute("value"),
                        match.hasAttribute("mask") ? match.getAttribute("mask") : null);
                List<byte[]> heads = new ArrayList<>();
                for (int n = 0; n < 20; n++) {
                    byte[] head = new byte[random.nextInt(n < 10 ? 64 : 9_000)];
                    random.nextBytes(head);
                    heads.add(head);
                }
                heads.add("green coffee lots are cupped twice\n".repeat(300).getBytes(StandardCharsets.US_ASCII));
                if (mine instanceof MagicMatches.BytesMatch bytes) {
                    for (int at : new int[] {bytes.start(), bytes.end(), (bytes.start() + bytes.end()) / 2}) {
                        byte[] head = new byte[at + bytes.pattern().length + random.nextInt(3)];
                        System.arraycopy(bytes.pattern(), 0, head, at, bytes.pattern().length);
                        heads.add(head);
                        heads.add(Arrays.copyOf(head, at + bytes.pattern().length - 1));
                    }
                    made++;
                }
                for (byte[] head : heads) {
                    boolean tika = tikas.detect(new ByteArrayInputStream(head), new Metadata()).equals(MediaType.TEXT_PLAIN);
                    assertThat(mine.mayMatch(head)).as(match.getAttribute("value") + " at " + match.getAttribute("offset")
                            + " in " + head.length + " bytes").isEqualTo(tika);
                    tested += tika ? 1 : 0;
                }
            }
        }
        assertThat(made).as("magics with a byte pattern").isGreaterThan(700);
        assertThat(tested).as("heads that Tika's matchers matched").isGreaterThan(2_000);
    }

    @Test
    void theLeanRegistriesKnowEveryTypeAndItsSupertypeAsTheFullOneDoes() {
        MediaTypeRegistry full = ContentTypes.REGISTRIES.full().getMediaTypeRegistry();
        for (MimeTypes lean : List.of(ContentTypes.REGISTRIES.withoutWide(), ContentTypes.REGISTRIES.withoutAnchoredRegexToo(),
                ContentTypes.REGISTRIES.withoutMagic())) {
            assertThat(lean.getMediaTypeRegistry().getTypes()).isEqualTo(full.getTypes());
            for (MediaType type : full.getTypes()) {
                assertThat(lean.getMediaTypeRegistry().getSupertype(type)).as(type.toString()).isEqualTo(full.getSupertype(type));
            }
        }
    }

    /**
     * Media types customised where Tika looks for them (a custom-mimetypes.xml at the class path's
     * root, or the file that tika.custom-mimetypes names) would be missing from the lean copies, so
     * they stop the start-up instead: checked in a class loader of its own, whose class path holds
     * such a file, and then with the property.
     */
    @Test
    void customisedMediaTypesStopTheStartUp(@TempDir Path dir) throws Exception {
        Path custom = Files.writeString(dir.resolve("custom-mimetypes.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <mime-info><mime-type type="application/x-roast-profile"><glob pattern="*.roast"/></mime-type></mime-info>
                """);
        List<URL> classPath = new ArrayList<>(List.of(dir.toUri().toURL()));
        for (Class<?> from : List.of(MagicRegistries.class, MimeTypes.class, org.apache.commons.io.IOUtils.class, org.slf4j.Logger.class)) {
            classPath.add(from.getProtectionDomain().getCodeSource().getLocation());
        }
        try (URLClassLoader onItsClassPath = new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(loadFails(onItsClassPath)).hasMessageContaining("customised");
        }
        classPath.remove(0);
        String property = MimeTypesFactory.CUSTOM_MIMES_SYS_PROP;
        try (URLClassLoader stock = new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(loadFails(stock)).as("without the file and the property").isNull();
            System.setProperty(property, custom.toString());
            assertThat(loadFails(stock)).hasMessageContaining("customised");
        } finally {
            System.clearProperty(property);
        }
    }

    /** What {@code MagicRegistries.load()} threw in that class loader, or null. */
    private static Throwable loadFails(ClassLoader loader) throws ReflectiveOperationException {
        Method load = Class.forName(MagicRegistries.class.getName(), true, loader).getDeclaredMethod("load");
        load.setAccessible(true);
        try {
            load.invoke(null);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    private static final String[] NAMES = {"upload", "notes.txt", "page.html", "mail.eml", "data.csv", "readme.md",
        "report.pdf", "song.mp3", "graph.dot", "robots.txt", "response.http", "movie.wmv", "drawing.ai", "cd.cda"};

    private static Metadata named(String name) {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        return metadata;
    }

    /** An older Illustrator file, its format line past the first kilobytes. */
    private static byte[] illustrator() {
        return ("%!PS-Adobe-3.0\n" + "%%Comment: padding\n".repeat(300) + "%AI5_FileFormat 3\n%%EndComments\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean needsFull(byte[] head) {
        return ContentTypes.REGISTRIES.forHead(head) == ContentTypes.REGISTRIES.full();
    }

    private static String detect(byte[] content, String filename) throws IOException {
        return ContentTypes.detect(new BufferedInputStream(new ByteArrayInputStream(content), 64 * 1024), filename);
    }
}
