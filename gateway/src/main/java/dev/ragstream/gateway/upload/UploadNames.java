package dev.ragstream.gateway.upload;

import java.util.Locale;
import java.util.Map;

/** Safe file names and content types for uploads. */
final class UploadNames {

    private static final Map<String, String> TYPES = Map.of(
            "txt", "text/plain", "md", "text/markdown", "markdown", "text/markdown",
            "html", "text/html", "htm", "text/html", "pdf", "application/pdf", "csv", "text/csv");

    private UploadNames() {
    }

    /** The last path segment, without control characters, at most 255 characters. */
    static String sanitize(String original) {
        String name = original == null ? "" : original;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.replaceAll("[\\p{Cntrl}\"<>|*?:]", "_").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "upload";
        }
        return name.length() > 255 ? name.substring(name.length() - 255) : name;
    }

    /** The declared type when specific, otherwise one guessed from the extension. */
    static String contentType(String filename, String declared) {
        if (declared != null && !declared.isBlank() && !declared.startsWith("application/octet-stream")) {
            return declared;
        }
        int dot = filename.lastIndexOf('.');
        String ext = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
