package dev.ragstream.gateway.upload;

import dev.ragstream.platform.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.springframework.http.HttpStatus;

/**
 * Opens an uploaded ZIP whose entries become documents. The entry count and the total
 * uncompressed size the archive declares are checked before anything is extracted; extraction
 * itself is bounded again by the caller (a lying archive cannot get past the byte cap).
 */
final class ZipExpansion implements AutoCloseable {

    /** A file entry to extract. */
    record Entry(String name, ZipEntry zipEntry) {
    }

    private final ZipFile zip;
    private final List<Entry> entries;

    private ZipExpansion(ZipFile zip, List<Entry> entries) {
        this.zip = zip;
        this.entries = entries;
    }

    /**
     * @throws ApiException 413 when the archive declares more than {@code maxEntries} files or more
     *         than {@code maxBytes} uncompressed; 415 when it is not a readable ZIP
     */
    static ZipExpansion open(Path file, String filename, int maxEntries, long maxBytes) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "corrupt-archive", "'" + filename + "' is not a readable ZIP archive");
        }
        try {
            List<Entry> entries = new ArrayList<>();
            long declared = 0;
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
                ZipEntry entry = all.nextElement();
                String name = UploadNames.sanitize(entry.getName());
                if (entry.isDirectory() || isNoise(entry.getName())) {
                    continue;
                }
                if (entries.size() >= maxEntries) {
                    throw tooLarge(filename, "more than " + maxEntries + " files");
                }
                long size = entry.getSize();
                declared += size < 0 ? 0 : size;
                if (declared > maxBytes) {
                    throw tooLarge(filename, "more than " + maxBytes / (1024 * 1024) + " MB uncompressed");
                }
                entries.add(new Entry(name, entry));
            }
            return new ZipExpansion(zip, entries);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    List<Entry> entries() {
        return entries;
    }

    /** The entry's bytes; the caller bounds how many it reads. */
    InputStream open(Entry entry) throws IOException {
        return zip.getInputStream(entry.zipEntry());
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static boolean isNoise(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1);
        return name.startsWith("__MACOSX/") || last.startsWith(".") || last.isEmpty();
    }

    private static ApiException tooLarge(String filename, String what) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "archive-too-large", "Archive '" + filename + "' holds " + what);
    }
}
