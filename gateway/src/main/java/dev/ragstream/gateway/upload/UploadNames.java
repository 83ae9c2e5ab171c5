package dev.ragstream.gateway.upload;


/** Safe file names for uploads: kept only as metadata; storage keys are generated. */
final class UploadNames {

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
}
