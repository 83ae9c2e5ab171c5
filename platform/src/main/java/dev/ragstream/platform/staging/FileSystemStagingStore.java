package dev.ragstream.platform.staging;

import com.sun.nio.file.ExtendedOpenOption;
import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages files under {@code <root>/<tenant>/<document id>}. References are {@code file:} URIs;
 * only references inside the root are ever opened or deleted.
 */
public final class FileSystemStagingStore implements StagingStore {

    private static final Logger log = LoggerFactory.getLogger(FileSystemStagingStore.class);
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final Map<Path, DirectorySync> directories = new ConcurrentHashMap<>();
    /** How copies are written, decided at the first (see {@link #directWrites}); null until then. */
    private volatile Optional<DirectWrites> writes;
    /** Buffers of finished copies, for the next (as many as copies are made at once, usually: the rest go). */
    private final BlockingQueue<Buffers> spare = new ArrayBlockingQueue<>(16);

    public FileSystemStagingStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** A store that writes through the page cache even where direct I/O would do (tests of that path). */
    static FileSystemStagingStore throughPageCache(Path root) {
        FileSystemStagingStore store = new FileSystemStagingStore(root);
        store.writes = Optional.empty();
        return store;
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
        DirectWrites direct = directWrites();
        Buffers buffers = buffers(direct);
        try (FileChannel file = direct != null
                ? FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)
                : FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = buffers.heap();
            // whole buffers: a multipart stream hands out a few KB per read, one write call each would cost a system call
            for (int n; (n = content.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                size += n;
                if (size > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                sha256.update(buffer, 0, n);
                if (direct != null) {
                    direct.write(file, buffer, n, buffers.aligned()); // only the last buffer is short: every write starts aligned
                } else {
                    for (ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n); bytes.hasRemaining(); ) {
                        file.write(bytes);
                    }
                }
            }
            if (direct != null && size % direct.alignment != 0) {
                file.truncate(size); // the last block was written whole, padded with zeros
            }
            // on disk (with its size) before the upload is answered: the document's row, committed next, must not
            // outlive its bytes in a crash (through the page cache, nor do gigabytes of uploads pile up there for the
            // kernel to write in one burst, which stalled every upload for 0.7 s in bench gateway)
            file.force(false);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        } finally {
            spare.offer(buffers);
        }
        directories.computeIfAbsent(dir, DirectorySync::new).sync(); // and its name with them
        return new Staged(target.toUri(), size, HexFormat.of().formatHex(sha256.digest()));
    }

    /** What one copy is read into and (with direct I/O) written from; kept for the next copy when {@link #spare} has room. */
    private record Buffers(byte[] heap, ByteBuffer aligned) {
    }

    private Buffers buffers(DirectWrites direct) {
        Buffers buffers = spare.poll();
        return buffers != null ? buffers : new Buffers(new byte[BUFFER], direct != null ? direct.buffer() : null);
    }

    /**
     * Direct I/O ({@code O_DIRECT}) where the staging directory's file system takes it, else null: a
     * copy goes from the upload's buffer to the disk without a detour through the page cache. Through
     * the page cache, writing a 100 KB upload there took a sixth of the gateway's CPU samples in
     * bench gateway, and the kernel then wrote it out again when forced; the staged copy is read
     * once, by the ingest worker, perhaps on another machine. Decided by writing a probe file once.
     */
    private DirectWrites directWrites() throws IOException {
        Optional<DirectWrites> decided = writes;
        if (decided == null) {
            synchronized (this) {
                if (writes == null) {
                    writes = DirectWrites.probe(root);
                }
                decided = writes;
            }
        }
        return decided.orElse(null);
    }

    /** Whether copies go to the disk through direct I/O (decided at the first copy, or now). */
    boolean writesDirect() throws IOException {
        return directWrites() != null;
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

    /**
     * Writes through direct I/O: from buffers aligned to the file system's block size, in whole
     * blocks (the file is cut to its size after the last).
     */
    private static final class DirectWrites {
        private final int alignment;

        private DirectWrites(int alignment) {
            this.alignment = alignment;
        }

        /** Direct writes if a probe file in {@code root} can be written so, else empty. */
        static Optional<DirectWrites> probe(Path root) throws IOException {
            Files.createDirectories(root);
            Path probe = root.resolve(".direct-io-probe-" + UUID.randomUUID());
            try {
                long blockSize = Files.getFileStore(root).getBlockSize();
                if (blockSize <= 0 || blockSize > BUFFER || Long.bitCount(blockSize) != 1) {
                    throw new IOException("block size " + blockSize);
                }
                DirectWrites direct = new DirectWrites((int) blockSize);
                try (FileChannel file = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        ExtendedOpenOption.DIRECT)) {
                    direct.write(file, new byte[1], 1, direct.buffer());
                    file.truncate(1);
                    file.force(false);
                }
                return Optional.of(direct);
            } catch (IOException | UnsupportedOperationException e) {
                log.info("Staging in {} goes through the page cache: the file system refuses direct I/O ({})", root, e.toString());
                return Optional.empty();
            } finally {
                Files.deleteIfExists(probe);
            }
        }

        ByteBuffer buffer() {
            return ByteBuffer.allocateDirect(BUFFER + alignment).alignedSlice(alignment);
        }

        /** Writes {@code n} bytes of {@code bytes} at the channel's (aligned) position, padded with zeros to a whole block. */
        void write(FileChannel file, byte[] bytes, int n, ByteBuffer aligned) throws IOException {
            int padded = (n + alignment - 1) & -alignment;
            aligned.clear().put(bytes, 0, n);
            aligned.put(ZEROS, 0, padded - n).flip();
            while (aligned.hasRemaining()) {
                file.write(aligned);
            }
        }

        private static final byte[] ZEROS = new byte[BUFFER];
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
