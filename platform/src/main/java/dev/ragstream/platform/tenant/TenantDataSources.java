package dev.ragstream.platform.tenant;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
    private final Duration acquireTimeout;
    private final int totalBudget;
    private final Map<TenantId, Pool> pools = new ConcurrentHashMap<>();

    private record Pool(Tenant.Database settings, HikariDataSource dataSource, AtomicLong lastUsed) {
    }

    /** A unit of work on one connection (inside one transaction for {@link #inTransaction}). */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * @param maxPoolSize    connections of one tenant at most
     * @param acquireTimeout how long a caller waits for a connection before {@link java.sql.SQLTransientConnectionException}
     * @param totalBudget    connections of all tenants' pools together at most; idle pools are closed to make room
     */
    public TenantDataSources(TenantRegistry registry, int maxPoolSize, Duration idleEviction, Duration acquireTimeout,
                             int totalBudget) {
        if (maxPoolSize > totalBudget) {
            throw new IllegalArgumentException("tenant pool size " + maxPoolSize + " exceeds the total budget " + totalBudget);
        }
        this.maxPoolSize = maxPoolSize;
        this.idleEviction = idleEviction;
        this.acquireTimeout = acquireTimeout;
        this.totalBudget = totalBudget;
        registry.onChange(id -> registry.find(id.value()).ifPresentOrElse(
                tenant -> evictIfChanged(tenant), () -> evict(id)));
    }

    /**
     * The pool of {@code tenant}'s ragdb.
     * @throws PoolBudgetExhaustedException when every connection of the budget belongs to busy pools
     */
    public DataSource dataSource(Tenant tenant) throws PoolBudgetExhaustedException {
        Pool pool = pools.get(tenant.id());
        if (pool != null && pool.settings().equals(tenant.database())) { // the common case takes no lock
            pool.lastUsed().set(System.nanoTime());
            return pool.dataSource();
        }
        return openOrReplace(tenant);
    }

    private synchronized DataSource openOrReplace(Tenant tenant) throws PoolBudgetExhaustedException {
        Pool pool = pools.get(tenant.id());
        if (pool != null && !pool.settings().equals(tenant.database())) {
            evict(tenant.id());
            pool = null;
        }
        if (pool == null) {
            makeRoom();
            pool = new Pool(tenant.database(), open(tenant), new AtomicLong());
            pools.put(tenant.id(), pool);
        }
        pool.lastUsed().set(System.nanoTime());
        return pool.dataSource();
    }

    /** Connections the open pools may hold together. */
    public synchronized int committedConnections() {
        return pools.size() * maxPoolSize;
    }

    /** Closes least recently used idle pools until one more pool fits the budget. */
    private void makeRoom() throws PoolBudgetExhaustedException {
        while (committedConnections() + maxPoolSize > totalBudget) {
            TenantId idlest = pools.entrySet().stream()
                    .filter(e -> e.getValue().dataSource().getHikariPoolMXBean() == null
                            || e.getValue().dataSource().getHikariPoolMXBean().getActiveConnections() == 0)
                    .min(java.util.Comparator.comparingLong(e -> e.getValue().lastUsed().get()))
                    .map(Map.Entry::getKey)
                    .orElseThrow(() -> new PoolBudgetExhaustedException(totalBudget));
            evict(idlest);
        }
    }

    /** Every connection of the budget is in use by busy tenant pools; try again shortly. */
    public static final class PoolBudgetExhaustedException extends java.sql.SQLTransientConnectionException {
        PoolBudgetExhaustedException(int budget) {
            super("all " + budget + " tenant database connections are in use");
        }
    }

    /** Runs {@code work} in one transaction on {@code tenant}'s ragdb; commits on success, rolls back on any exception. */
    public <T> T inTransaction(Tenant tenant, TransactionWork<T> work) throws SQLException {
        return inTransaction(tenant, Duration.ZERO, work);
    }

    /**
     * As {@link #inTransaction(Tenant, TransactionWork)}, waiting for a connection up to {@code patience}
     * while the pool is only busy (see {@link #connection}).
     */
    public <T> T inTransaction(Tenant tenant, Duration patience, TransactionWork<T> work) throws SQLException {
        try (Connection c = connection(tenant, patience)) {
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

    /**
     * Runs {@code work} on one connection of the tenant's pool in autocommit mode: each statement is
     * its own transaction, and no commit costs a round trip.
     */
    public <T> T withConnection(Tenant tenant, TransactionWork<T> work) throws SQLException {
        return withConnection(tenant, Duration.ZERO, work);
    }

    /**
     * As {@link #withConnection(Tenant, TransactionWork)}, waiting for a connection up to {@code patience}
     * while the pool is only busy (see {@link #connection}).
     */
    public <T> T withConnection(Tenant tenant, Duration patience, TransactionWork<T> work) throws SQLException {
        try (Connection c = connection(tenant, patience)) {
            c.setAutoCommit(true);
            return work.apply(c);
        }
    }

    /**
     * A connection of the tenant's pool. A caller normally fails after the acquire timeout; one with
     * {@code patience} (work that is costly to repeat, such as recording an upload whose bytes are
     * staged) keeps waiting, up to {@code patience} in all, while the pool is only busy: every
     * connection in use and the database answering (the pool's timeout carries no connection
     * failure). A database that cannot be reached fails after one acquire timeout, a spent budget of
     * pools at once, as without patience.
     */
    private Connection connection(Tenant tenant, Duration patience) throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return dataSource(tenant).getConnection();
            } catch (SQLTransientConnectionException e) {
                boolean onlyBusy = e.getCause() == null && !(e instanceof PoolBudgetExhaustedException);
                if (!onlyBusy || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
        }
    }

    /** Closes pools unused for longer than the idle eviction time. */
    public synchronized void evictIdle() {
        long now = System.nanoTime();
        pools.forEach((id, pool) -> {
            if (now - pool.lastUsed().get() > idleEviction.toNanos()) {
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

    private synchronized void evict(TenantId id) {
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
        config.setConnectionTimeout(acquireTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "ragstream");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // A tenant's tables start empty and grow while its pooled connections live; a generic plan made
        // while a table looked empty (a fresh tenant's first ANALYZE) stays a sequential scan for the
        // connection's life. Planning each execution with the table as it is now costs tens of
        // microseconds; a frozen scan cost the upload lookups 6 ms each at 20,000 documents.
        config.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan");
        log.info("Opened connection pool of tenant {} to {}", tenant.id(), db);
        return new HikariDataSource(config);
    }

    @Override
    public synchronized void close() {
        List.copyOf(pools.keySet()).forEach(this::evict);
    }
}
