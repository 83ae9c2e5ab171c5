package dev.ragstream.platform.staging;

import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stages files under {@code <root>/<tenant>/<document id>}. References are {@code file:} URIs;
 * only references inside the root are ever opened or deleted.
 */
public final class FileSystemStagingStore implements StagingStore {

    private final Path root;
    private final Map<Path, DirectorySync> directories = new ConcurrentHashMap<>();

    public FileSystemStagingStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Staged stage(TenantId tenant, UUID documentId, InputStream content, long maxBytes) throws IOException {
        Path dir = root.resolve(tenant.value());
        if (!Files.isDirectory(dir)) { // checked first: createDirectories throws and catches internally when it exists
            Files.createDirectories(dir);
        }
        // written under its final name: nothing opens a staged file before the document's row, committed after this
        // returns, refers to it; a copy cut short by a crash has no row, and the orphan sweep deletes it
        Path target = dir.resolve(documentId.toString()); // the id is new: CREATE_NEW fails rather than share a file
        MessageDigest sha256 = sha256();
        long size = 0;
        try (FileChannel file = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(file), sha256);
            byte[] buffer = new byte[64 * 1024];
            // whole buffers: a multipart stream hands out a few KB per read, one write call each would cost a system call
            for (int n; (n = content.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                size += n;
                if (size > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            // on disk before the upload is answered: the document's row, committed next, must not outlive its bytes
            // in a crash (nor does the page cache pile up gigabytes of uploads that the kernel then writes in one
            // burst, which stalled every upload for 0.7 s in bench gateway)
            file.force(false);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        directories.computeIfAbsent(dir, DirectorySync::new).sync(); // and its name with them
        return new Staged(target.toUri(), size, HexFormat.of().formatHex(sha256.digest()));
    }

    @Override
    public InputStream open(URI reference) throws IOException {
        return Files.newInputStream(resolve(reference));
    }

    @Override
    public void delete(URI reference) throws IOException {
        Files.deleteIfExists(resolve(reference));
    }

    @Override
    public List<URI> stagedBefore(TenantId tenant, Instant cutoff) throws IOException {
        Path dir = root.resolve(tenant.value());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<URI> old = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) { // renamed or deleted since the listing: not old
                    continue;
                }
                if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                    old.add(file.toUri());
                }
            }
        }
        return old;
    }

    private Path resolve(URI reference) throws IOException {
        if (!"file".equals(reference.getScheme())) {
            throw new IOException("not a staging reference: " + reference.getScheme());
        }
        Path path = Path.of(reference).toAbsolutePath().normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IOException("staging reference outside the staging directory");
        }
        return path;
    }

    /**
     * Forces one directory to disk for the names made in it, one force for all the names made before
     * it begins (a group commit): concurrent uploads of a tenant share a force instead of making one
     * each. A caller's name is made before it takes its ticket, so a force that begins after that
     * covers it.
     */
    private static final class DirectorySync {
        private final Path directory;
        private long issued;
        private long durable;
        private boolean forcing;

        DirectorySync(Path directory) {
            this.directory = directory;
        }

        void sync() throws IOException {
            long covers;
            synchronized (this) {
                long ticket = ++issued;
                while (forcing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while the staging directory was forced to disk");
                    }
                }
                if (durable >= ticket) {
                    return;
                }
                forcing = true;
                covers = issued;
            }
            boolean forced = false;
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
                forced = true;
            } finally {
                synchronized (this) {
                    forcing = false;
                    if (forced) {
                        durable = Math.max(durable, covers);
                    }
                    notifyAll();
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
