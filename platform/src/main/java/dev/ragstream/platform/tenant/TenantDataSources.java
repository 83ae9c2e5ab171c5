package dev.ragstream.platform.tenant;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small connection pool per tenant, to that tenant's own ragdb with that tenant's own
 * credentials: nothing of one tenant is ever read through another tenant's connection. Pools are
 * created on first use, replaced when the tenant's database settings change, closed when the
 * tenant is removed or the pool has been idle for {@code idleEviction}.
 */
public final class TenantDataSources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenantDataSources.class);

    private final int maxPoolSize;
    private final Duration idleEviction;
    private final Map<TenantId, Pool> pools = new ConcurrentHashMap<>();

    private record Pool(Tenant.Database settings, HikariDataSource dataSource, long[] lastUsed) {
    }

    /** A unit of work on one connection inside one transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    public TenantDataSources(TenantRegistry registry, int maxPoolSize, Duration idleEviction) {
        this.maxPoolSize = maxPoolSize;
        this.idleEviction = idleEviction;
        registry.onChange(id -> registry.find(id.value()).ifPresentOrElse(
                tenant -> evictIfChanged(tenant), () -> evict(id)));
    }

    /** The pool of {@code tenant}'s ragdb. */
    public DataSource dataSource(Tenant tenant) {
        Pool pool = pools.compute(tenant.id(), (id, existing) -> {
            if (existing != null && existing.settings().equals(tenant.database())) {
                return existing;
            }
            if (existing != null) {
                existing.dataSource().close();
            }
            return new Pool(tenant.database(), open(tenant), new long[1]);
        });
        pool.lastUsed()[0] = System.nanoTime();
        return pool.dataSource();
    }

    /** Runs {@code work} in one transaction on {@code tenant}'s ragdb; commits on success, rolls back on any exception. */
    public <T> T inTransaction(Tenant tenant, TransactionWork<T> work) throws SQLException {
        try (Connection c = dataSource(tenant).getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Closes pools unused for longer than the idle eviction time. */
    public void evictIdle() {
        long now = System.nanoTime();
        pools.forEach((id, pool) -> {
            if (now - pool.lastUsed()[0] > idleEviction.toNanos()) {
                evict(id);
            }
        });
    }

    private void evictIfChanged(Tenant tenant) {
        Pool pool = pools.get(tenant.id());
        if (pool != null && !pool.settings().equals(tenant.database())) {
            evict(tenant.id());
        }
    }

    private void evict(TenantId id) {
        Pool pool = pools.remove(id);
        if (pool != null) {
            pool.dataSource().close();
            log.info("Closed connection pool of tenant {}", id);
        }
    }

    private HikariDataSource open(Tenant tenant) {
        Tenant.Database db = tenant.database();
        HikariConfig config = new HikariConfig();
        config.setPoolName("ragdb-" + tenant.id());
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Math.max(10_000, idleEviction.toMillis() / 2));
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "ragstream");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        log.info("Opened connection pool of tenant {} to {}", tenant.id(), db);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pools.keySet().forEach(this::evict);
    }
}
