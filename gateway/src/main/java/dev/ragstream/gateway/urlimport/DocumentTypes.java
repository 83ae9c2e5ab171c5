package dev.ragstream.gateway.urlimport;

/** The upload allow-list, as {@code /media-info} needs it to say whether a URL is importable. */
public interface DocumentTypes {

    /** Whether a document of the detected base type {@code contentType} (such as {@code application/pdf}) is accepted. */
    boolean accepted(String contentType);
}
