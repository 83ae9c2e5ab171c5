package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.kafka.PermanentException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the bytes of a text or markdown file. A byte-order mark wins, then a declared charset
 * other than UTF-8, then UTF-8; bytes that are not UTF-8 but mostly ASCII are read as
 * Windows-1252, the usual legacy encoding. Whatever does not look like text is rejected.
 */
final class PlainTextDecoder {

    private static final Charset LEGACY = Charset.forName("windows-1252");
    private static final double MIN_ASCII_SHARE_OF_LEGACY_TEXT = 0.7;
    private static final double MAX_CONTROL_SHARE_OF_TEXT = 0.05;
    private static final int SAMPLE_CHARS = 8192;

    private PlainTextDecoder() {
    }

    /**
     * @param declared the charset named by the upload's content type, or null
     * @param complete false when {@code bytes} are only the start of the file, so a multi-byte
     *                 character cut at the end is not taken for an encoding error
     * @throws PermanentException with reason {@code unsupported_type} when the bytes are not text
     */
    static String decode(byte[] bytes, Charset declared, boolean complete) {
        String text = decodeWithoutCheck(bytes, declared, complete);
        if (looksBinary(text)) {
            throw new PermanentException("unsupported_type", "binary content declared as text");
        }
        return text;
    }

    private static String decodeWithoutCheck(byte[] bytes, Charset declared, boolean complete) {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
        }
        if (declared != null && !declared.equals(StandardCharsets.UTF_8) && !declared.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, declared);
        }
        String utf8 = strictUtf8(bytes, complete);
        if (utf8 != null) {
            return utf8;
        }
        if (asciiShare(bytes) < MIN_ASCII_SHARE_OF_LEGACY_TEXT) {
            throw new PermanentException("unsupported_type", "binary content declared as text");
        }
        return new String(bytes, LEGACY);
    }

    /** The text, or null if the bytes are not UTF-8. */
    private static String strictUtf8(byte[] bytes, boolean complete) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(ByteBuffer.wrap(bytes), out, complete);
        if (result.isError() || (complete && decoder.flush(out).isError())) {
            return null;
        }
        return out.flip().toString();
    }

    private static double asciiShare(byte[] bytes) {
        long ascii = 0;
        for (byte b : bytes) {
            ascii += b >= 0 ? 1 : 0;
        }
        return bytes.length == 0 ? 1 : (double) ascii / bytes.length;
    }

    /** Zero characters, or more than a few control or replacement characters, mean binary. */
    private static boolean looksBinary(String text) {
        int sample = Math.min(text.length(), SAMPLE_CHARS);
        int suspicious = 0;
        for (int i = 0; i < sample; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return true;
            }
            boolean control = Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f';
            suspicious += control || c == '\uFFFD' ? 1 : 0;
        }
        return sample > 0 && (double) suspicious / sample > MAX_CONTROL_SHARE_OF_TEXT;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
