package dev.ragstream.gateway.upload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.mime.MimeTypesFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Tika's magic-byte registry in four sizes, and for each head the smallest that answers as the full one.
 * <p>Most of what Tika's magic detection costs is the registry's wide matches: a literal that Tika tries at each of
 * up to 8,192 offsets, copying the head for each (e-mail and mbox headers such as {@code \nReceived:},
 * {@code <html}, Windows Media names in UTF-16, the older Illustrator files' regular expression); in CPU profiles of
 * bench gateway they were four fifths of detecting a text upload. A head in which none of their literals occurs,
 * case ignored, is detected by a copy of the registry without the magics that rely on them, which answers as the
 * full one: a magic that cannot match changes nothing, the ones that stay are unchanged and sort as before (see
 * {@link #pruned}), and the copy reads as many bytes (Tika reads {@code getMinLength()}, a constant). Any other head
 * is detected by the full registry.
 * <p>Of what is left, the regular expressions tried at offset 0 cost most (Tika compiles each one and decodes its
 * window for every evaluation: 40 % of the rest). Each can match only heads that begin with certain two bytes
 * (found by asking the regex engine whether it matched or wanted more input after them); a head that begins with
 * none of them is detected by a copy without those expressions either (a text file: 130 µs instead of 205).
 * <p>Most of the rest is Tika trying the ~850 magics left, each with a stream, a {@code Metadata} and a window copy
 * of its own. Where none of them can match ({@link MagicMatches} tests their own patterns without allocating), as for
 * most text, the head is detected by a copy without magics, which answers as any registry does when no magic
 * matches: by the text detector and the name.
 */
final class MagicRegistries {

    /** A match whose pattern is tried at this many offsets or more is left out (when it has a literal). */
    private static final int WIDE = 1_000;
    /** The literal text without which each wide regular expression of Tika's registry that is left out cannot match. */
    private static final Map<String, String> REGEX_LITERALS =
            Map.of("[\\r\\n]%AI5_FileFormat [1-4][\\r\\n]", "%AI5_FileFormat ");

    private final MimeTypes full;
    private final MimeTypes withoutWide;
    private final MimeTypes withoutAnchoredRegexToo;
    private final MimeTypes withoutMagic;
    /** The wide matches' literals (ASCII, folded to lower case) by their first two bytes ({@code first << 7 | second}). */
    private final byte[][][] literalsByFirstBytes;
    /** The first two bytes ({@code first << 8 | second}) that one of the anchored expressions can begin with. */
    private final boolean[] regexPrefixes;
    /** The magics of {@link #withoutAnchoredRegexToo}, as tests of whether they may match a head. */
    private final List<MagicMatches.Match> leanMatches;

    private MagicRegistries(MimeTypes full, MimeTypes withoutWide, MimeTypes withoutAnchoredRegexToo, MimeTypes withoutMagic,
                            byte[][][] literalsByFirstBytes, boolean[] regexPrefixes, List<MagicMatches.Match> leanMatches) {
        this.full = full;
        this.withoutWide = withoutWide;
        this.withoutAnchoredRegexToo = withoutAnchoredRegexToo;
        this.withoutMagic = withoutMagic;
        this.literalsByFirstBytes = literalsByFirstBytes;
        this.regexPrefixes = regexPrefixes;
        this.leanMatches = leanMatches;
    }

    /** Tika's default registry, whose detector the others stand in for. */
    MimeTypes full() {
        return full;
    }

    MimeTypes withoutWide() {
        return withoutWide;
    }

    MimeTypes withoutAnchoredRegexToo() {
        return withoutAnchoredRegexToo;
    }

    MimeTypes withoutMagic() {
        return withoutMagic;
    }

    /** The left-out wide matches' literals, folded to lower case. */
    List<String> leftOutLiterals() {
        return Arrays.stream(literalsByFirstBytes).filter(Objects::nonNull).flatMap(Arrays::stream)
                .map(literal -> new String(literal, StandardCharsets.ISO_8859_1)).toList();
    }

    /** The smallest registry that answers for this head as the full one. */
    MimeTypes forHead(byte[] head) {
        if (mayMatchLeftOut(head)) {
            return full;
        }
        if (head.length == 0) {
            return withoutAnchoredRegexToo; // Tika answers without a magic
        }
        int prefix = (head[0] & 0xff) << 8 | (head.length > 1 ? head[1] & 0xff : 0);
        if (regexPrefixes[prefix]) {
            return withoutWide;
        }
        for (MagicMatches.Match match : leanMatches) {
            if (match.mayMatch(head)) {
                return withoutAnchoredRegexToo;
            }
        }
        return withoutMagic;
    }

    /**
     * Whether a left-out literal occurs in the head, case ignored; one that runs past its end is compared with the
     * zeros Tika pads its match windows with.
     */
    private boolean mayMatchLeftOut(byte[] head) {
        int next = head.length > 0 ? fold(head[0] & 0xff) : 0;
        for (int i = 0; i < head.length; i++) {
            int first = next;
            next = i + 1 < head.length ? fold(head[i + 1] & 0xff) : 0;
            byte[][] candidates = (first | next) < 0x80 ? literalsByFirstBytes[first << 7 | next] : null;
            if (candidates != null) {
                for (byte[] literal : candidates) {
                    if (at(head, i, literal)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean at(byte[] head, int start, byte[] literal) {
        for (int j = 2; j < literal.length; j++) {
            int b = start + j < head.length ? fold(head[start + j] & 0xff) : 0;
            if (b != literal[j]) {
                return false;
            }
        }
        return true;
    }

    /** Builds the copies from Tika's own definitions (a second or less); fails when they are customised. */
    static MagicRegistries load() {
        boolean customised;
        try { // where Tika looks for them (MimeTypesFactory.create): the class path's root, by tika-core's class loader
            customised = System.getProperty(MimeTypesFactory.CUSTOM_MIMES_SYS_PROP) != null
                    || MimeTypes.class.getClassLoader().getResources("custom-mimetypes.xml").hasMoreElements();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look for customised media types", e);
        }
        if (customised) {
            throw new IllegalStateException("Tika's media types are customised; the lean copies would lack the customisation");
        }
        MimeTypes full = MimeTypes.getDefaultMimeTypes();
        Map<String, byte[]> literals = new TreeMap<>();
        boolean[] regexPrefixes = new boolean[256 * 256];
        Document definitions = definitions();
        MimeTypes withoutWide = pruned(definitions, clause -> leftOutWide(clause, literals));
        MimeTypes withoutAnchoredRegexToo = pruned(definitions, clause -> leftOutAnchoredRegex(clause, regexPrefixes)); // further
        List<MagicMatches.Match> leanMatches = elements(definitions.getElementsByTagName("magic")).stream()
                .flatMap(magic -> matches(magic).stream()).map(MagicMatches::of).toList();
        MimeTypes withoutMagic = pruned(definitions, clause -> true);
        byte[][][] byFirstBytes = new byte[128 * 128][][];
        for (byte[] literal : literals.values()) {
            int key = literal[0] << 7 | literal[1];
            byFirstBytes[key] = byFirstBytes[key] == null ? new byte[][] {literal} : append(byFirstBytes[key], literal);
        }
        return new MagicRegistries(full, withoutWide, withoutAnchoredRegexToo, withoutMagic, byFirstBytes, regexPrefixes,
                leanMatches);
    }

    /** Tika's own media type definitions, as the document the copies are pruned from. */
    private static Document definitions() {
        try (InputStream in = MimeTypes.class.getResourceAsStream("tika-mimetypes.xml")) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory.newDocumentBuilder().parse(in);
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("Cannot read Tika's media type definitions", e);
        }
    }

    /**
     * Prunes the definitions of the magics' clauses that {@code leaveOut} (the last {@link #pruned} left them) and reads
     * them as a registry. Tika makes one magic of each clause (a {@code match} of a {@code magic}); only whole clauses
     * are left out, so the ones that stay are the same as in the full registry and sort the same
     * ({@code Magic.compareTo} weighs their size). A magic left without clauses goes, what else it held (a glob, a
     * supertype) moves up to its type.
     */
    private static MimeTypes pruned(Document definitions, Predicate<Element> leaveOut) {
        try {
            for (Element magic : elements(definitions.getElementsByTagName("magic"))) {
                for (Element clause : matches(magic)) {
                    if (leaveOut.test(clause)) {
                        magic.removeChild(clause);
                    }
                }
                if (matches(magic).isEmpty()) {
                    for (Element other : elements(magic.getChildNodes())) {
                        magic.getParentNode().insertBefore(other, magic);
                    }
                    magic.getParentNode().removeChild(magic);
                }
            }
            ByteArrayOutputStream lean = new ByteArrayOutputStream();
            TransformerFactory transformers = TransformerFactory.newInstance();
            transformers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            transformers.newTransformer().transform(new DOMSource(definitions), new StreamResult(lean));
            return MimeTypesFactory.create(new ByteArrayInputStream(lean.toByteArray()));
        } catch (IOException | MimeTypeException | TransformerException e) {
            throw new IllegalStateException("Cannot read a pruned copy of Tika's media type definitions", e);
        }
    }

    /** Whether a clause cannot match for a head without the wide literals (then added to {@code literals}). */
    private static boolean leftOutWide(Element clause, Map<String, byte[]> literals) {
        Map<String, byte[]> needed = new TreeMap<>();
        if (canMatch(clause, needed)) {
            return false;
        }
        literals.putAll(needed);
        return true;
    }

    /** Whether a clause is a regular expression tried at offset 0 (the first two bytes it can match are marked). */
    private static boolean leftOutAnchoredRegex(Element clause, boolean[] regexPrefixes) {
        boolean[] prefixes = anchoredRegexPrefixes(clause);
        for (int p = 0; prefixes != null && p < prefixes.length; p++) {
            regexPrefixes[p] |= prefixes[p];
        }
        return prefixes != null;
    }

    /**
     * Whether a match can still match when its wide matches cannot (their literals are added to {@code needed}), as
     * Tika's reader evaluates it: a match with nested matches needs one of them, a {@code minShouldMatch} match that
     * many.
     */
    private static boolean canMatch(Element match, Map<String, byte[]> needed) {
        byte[] literal = wideLiteral(match);
        if (literal != null) {
            needed.put(new String(literal, StandardCharsets.ISO_8859_1), literal);
            return false;
        }
        List<Element> nested = matches(match);
        int alive = 0;
        for (Element child : nested) { // every one: the literals of all that a left-out clause relies on
            alive += canMatch(child, needed) ? 1 : 0;
        }
        String min = match.getAttribute("minShouldMatch");
        return nested.isEmpty() || alive >= (min.isEmpty() ? 1 : Integer.parseInt(min));
    }

    static List<Element> matches(Element element) {
        return elements(element.getChildNodes()).stream().filter(e -> e.getTagName().equals("match")).toList();
    }

    /**
     * The first two bytes ({@code first << 8 | second}) a regular expression tried at offset 0 can match (the engine
     * matched, or asked for more input, after them), or null for another kind of match. Tika compiles the value as it
     * unescapes it, with the characters cut to bytes and read as UTF-8, and matches it against the head read as
     * ISO-8859-1, padded with zeros.
     */
    private static boolean[] anchoredRegexPrefixes(Element match) {
        String offset = match.getAttribute("offset");
        String regex = unescape(match.getAttribute("value"));
        if (!match.getAttribute("type").equals("regex") || !(offset.equals("0") || offset.equals("0:0"))
                || !match.getAttribute("mask").isEmpty() || regex == null) {
            return null;
        }
        byte[] bytes = new byte[regex.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) regex.charAt(i);
        }
        Pattern pattern = Pattern.compile(new String(bytes, StandardCharsets.UTF_8));
        boolean[] prefixes = new boolean[256 * 256];
        for (int first = 0; first < 256; first++) {
            if (mayMatch(pattern, String.valueOf((char) first))) {
                for (int second = 0; second < 256; second++) {
                    prefixes[first << 8 | second] = mayMatch(pattern, new String(new char[] {(char) first, (char) second}));
                }
            }
        }
        return prefixes;
    }

    /** Whether a text that begins with {@code prefix} can match: the engine matched it, or asked for more. */
    private static boolean mayMatch(Pattern pattern, String prefix) {
        Matcher matcher = pattern.matcher(prefix);
        return matcher.lookingAt() || matcher.hitEnd();
    }

    /** The literal a wide match needs in the head (ASCII, lower case), or null when it is narrow or has none known. */
    private static byte[] wideLiteral(Element match) {
        String[] range = match.getAttribute("offset").split(":");
        if (range.length != 2 || Integer.parseInt(range[1]) - Integer.parseInt(range[0]) < WIDE
                || !match.getAttribute("mask").isEmpty()) {
            return null;
        }
        String value = match.getAttribute("value");
        return switch (match.getAttribute("type")) {
            case "string", "stringignorecase" -> ascii(unescape(value), false);
            case "unicodeLE" -> ascii(unescape(value), true);
            case "regex" -> REGEX_LITERALS.containsKey(value) ? ascii(REGEX_LITERALS.get(value), false) : null;
            default -> null;
        };
    }

    /** A magic value's characters as Tika reads them ({@link MagicMatches#unescape}); null for hex or what Tika cannot read. */
    private static String unescape(String value) {
        if (value.startsWith("0x")) {
            return null;
        }
        try {
            return MagicMatches.unescape(value);
        } catch (RuntimeException e) { // Tika would fail on it: the match stays in every copy
            return null;
        }
    }

    /**
     * The text's bytes folded to lower case (two per character, little-endian, if {@code utf16le}); null unless ASCII
     * of two bytes or more, starting with a non-zero byte.
     */
    private static byte[] ascii(String text, boolean utf16le) {
        if (text == null || text.isEmpty() || text.charAt(0) == 0 || !text.chars().allMatch(c -> c < 0x80)) {
            return null;
        }
        byte[] bytes = new byte[utf16le ? text.length() * 2 : text.length()];
        if (bytes.length < 2) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            bytes[utf16le ? 2 * i : i] = (byte) fold(text.charAt(i));
        }
        return bytes;
    }

    private static int fold(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private static List<Element> elements(NodeList nodes) {
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }

    private static byte[][] append(byte[][] array, byte[] element) {
        byte[][] longer = Arrays.copyOf(array, array.length + 1);
        longer[array.length] = element;
        return longer;
    }
}
