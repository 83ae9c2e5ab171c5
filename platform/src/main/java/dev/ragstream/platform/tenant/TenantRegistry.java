package dev.ragstream.platform.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All tenants under one directory ({@code <dir>/<id>/.env}), re-read every poll interval so
 * added, changed and deleted tenants take effect without a restart. A tenant whose .env cannot be
 * read is unavailable (with a logged reason) while every other tenant keeps working.
 */
public final class TenantRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantRegistry.class);

    private final Path directory;
    private final Map<TenantId, Entry> tenants = new ConcurrentHashMap<>();
    private final List<Consumer<TenantId>> changeListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;

    private record Entry(Tenant tenant, Stamp modified, String error) {
    }

    /** Reads the directory now and then every {@code pollInterval} (zero: never again). */
    public TenantRegistry(Path directory, Duration pollInterval) {
        this.directory = directory.toAbsolutePath().normalize();
        reload();
        if (pollInterval.isZero()) {
            poller = null;
        } else {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tenant-registry");
                t.setDaemon(true);
                return t;
            });
            long ms = pollInterval.toMillis();
            poller.scheduleWithFixedDelay(this::reloadQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The tenant, if it exists and its configuration is readable. Invalid ids are never looked up. */
    public Optional<Tenant> find(String id) {
        if (!TenantId.isValid(id)) {
            return Optional.empty();
        }
        Entry entry = tenants.get(TenantId.of(id));
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.tenant());
    }

    /** The readable tenants. */
    public Collection<Tenant> all() {
        return tenants.values().stream().map(Entry::tenant).filter(t -> t != null).toList();
    }

    /** Called (on the poller thread) with the id of each tenant that was added, changed or removed. */
    public void onChange(Consumer<TenantId> listener) {
        changeListeners.add(listener);
    }

    /** Re-reads the directory now. */
    public synchronized void reload() {
        Map<TenantId, Stamp> seen = new HashMap<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> dirs = Files.list(directory)) {
                dirs.filter(Files::isDirectory).forEach(dir -> {
                    String name = dir.getFileName().toString();
                    Path env = dir.resolve(".env");
                    if (TenantId.isValid(name) && Files.isRegularFile(env)) {
                        seen.put(TenantId.of(name), modified(env));
                    }
                });
            } catch (IOException e) {
                log.warn("Cannot list tenants directory {}: {}; keeping the tenants already known", directory, e.toString());
                return;
            }
        }
        for (TenantId gone : List.copyOf(tenants.keySet())) {
            if (!seen.containsKey(gone)) {
                tenants.remove(gone);
                log.info("Tenant {} removed", gone);
                notifyChange(gone);
            }
        }
        seen.forEach((id, modified) -> {
            Entry known = tenants.get(id);
            if (known == null || !known.modified().equals(modified)) {
                Entry loaded = load(id, modified);
                tenants.put(id, loaded);
                if (known == null || !sameConfig(known, loaded)) {
                    notifyChange(id);
                }
            }
        });
    }

    private Entry load(TenantId id, Stamp modified) {
        try {
            Map<String, String> env = EnvFile.read(directory.resolve(id.value()).resolve(".env"));
            String declared = env.get("TENANT_ID");
            if (declared != null && !declared.isBlank() && !declared.strip().equals(id.value())) {
                throw new IllegalArgumentException("TENANT_ID does not match the folder name");
            }
            Tenant tenant = new Tenant(id, env);
            tenant.database();
            tenant.chatDatabase();
            log.info("Tenant {} loaded", id);
            return new Entry(tenant, modified, null);
        } catch (IOException | IllegalArgumentException e) {
            log.error("Tenant {} is unavailable: its .env is malformed or unreadable ({})", id, e.getMessage());
            return new Entry(null, modified, e.getMessage());
        }
    }

    private static boolean sameConfig(Entry a, Entry b) {
        return a.tenant() != null && b.tenant() != null && a.tenant().env().equals(b.tenant().env());
    }

    private void notifyChange(TenantId id) {
        for (Consumer<TenantId> listener : changeListeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                log.error("Tenant change listener failed for {}", id, e);
            }
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            log.error("Tenant registry reload failed; will try again", e);
        }
    }

    /** What identifies a version of a .env: modification time and size (a same-instant rewrite rarely keeps both). */
    private record Stamp(FileTime modified, long size) {
    }

    private static Stamp modified(Path file) {
        try {
            return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            return new Stamp(FileTime.fromMillis(0), -1);
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
