package dev.ragstream.platform.tenant;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared chatdb (widgets, prompts, inquiries, blocklist), reached with the tenant's
 * {@code ADMIN_DB_*} settings through one pool per distinct server/database/role. Every unit of
 * work runs in a transaction with {@code ragstream.tenant_id} set locally, so row-level security
 * shows and accepts only that tenant's rows.
 */
public final class ChatDatabase implements AutoCloseable {

    private final int maxPoolSize;
    private final long acquireTimeoutMs;
    private final Map<Tenant.Database, HikariDataSource> pools = new ConcurrentHashMap<>();

    public ChatDatabase(int maxPoolSize, long acquireTimeoutMs) {
        this.maxPoolSize = maxPoolSize;
        this.acquireTimeoutMs = acquireTimeoutMs;
    }

    /** Runs {@code work} in one transaction as {@code tenant}; commits on success, rolls back on any exception. */
    public <T> T inTenant(Tenant tenant, TenantDataSources.TransactionWork<T> work) throws SQLException {
        try (Connection c = pool(tenant.chatDatabase()).getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('ragstream.tenant_id', ?, true)")) {
                    ps.setString(1, tenant.id().value());
                    ps.execute();
                }
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private HikariDataSource pool(Tenant.Database db) {
        return pools.computeIfAbsent(db, settings -> {
            HikariConfig config = new HikariConfig();
            config.setPoolName("chatdb-" + settings.name());
            config.setJdbcUrl(settings.jdbcUrl());
            config.setUsername(settings.user());
            config.setPassword(settings.password());
            config.setMaximumPoolSize(maxPoolSize);
            config.setMinimumIdle(0);
            config.setConnectionTimeout(acquireTimeoutMs);
            config.setInitializationFailTimeout(-1);
            config.addDataSourceProperty("ApplicationName", "ragstream");
            return new HikariDataSource(config);
        });
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
