package dev.ragstream.gateway.abuse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ragstream.gateway.GatewayProperties;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The blocklist in chatdb's {@code ip_blocklist} (shared by every gateway replica, not under
 * row-level security), through a small pool of its own. One row per network and named tenant
 * counts failures in a window that opens at its first failure; the network is blocked once all its
 * rows' failures in their open windows reach the limit. Times are the database's, so replicas agree.
 */
final class PostgresBlocklist implements Blocklist, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresBlocklist.class);

    private static final String BLOCKED = """
            SELECT (extract(epoch FROM max(blocked_until) - now()) * 1000)::bigint
            FROM ip_blocklist WHERE network = ?::cidr AND blocked_until > now()""";
    private static final String COUNT = """
            INSERT INTO ip_blocklist AS b (tenant_id, network, failures, window_start, updated_at)
            VALUES (?, ?::cidr, 1, now(), now())
            ON CONFLICT (network, tenant_id) DO UPDATE SET
                failures = CASE WHEN b.window_start > now() - make_interval(secs => ?) THEN b.failures + 1 ELSE 1 END,
                window_start = CASE WHEN b.window_start > now() - make_interval(secs => ?) THEN b.window_start ELSE now() END,
                updated_at = now()""";
    private static final String BLOCK = """
            UPDATE ip_blocklist SET blocked_until = now() + make_interval(secs => ?), updated_at = now()
            WHERE network = ?::cidr AND tenant_id = ?
              AND NOT EXISTS (SELECT 1 FROM ip_blocklist WHERE network = ?::cidr AND blocked_until > now())
              AND (SELECT sum(failures) FROM ip_blocklist
                   WHERE network = ?::cidr AND window_start > now() - make_interval(secs => ?)) >= ?""";
    private static final String PURGE = """
            DELETE FROM ip_blocklist
            WHERE window_start <= now() - make_interval(secs => ?) AND (blocked_until IS NULL OR blocked_until <= now())""";

    private final HikariDataSource pool;
    private final int maxFailures;
    private final double windowSeconds;
    private final double blockSeconds;
    private final int queryTimeoutSeconds;
    private final AtomicLong lastOutageLog = new AtomicLong();

    PostgresBlocklist(GatewayProperties.Blocklist settings) {
        this.pool = pool(settings);
        this.maxFailures = settings.maxFailures();
        this.windowSeconds = settings.window().toMillis() / 1000.0;
        this.blockSeconds = settings.blockFor().toMillis() / 1000.0;
        this.queryTimeoutSeconds = (int) Math.max(1, settings.queryTimeout().toSeconds());
    }

    @Override
    public Optional<Duration> blockedFor(String network) throws BlocklistUnavailableException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(BLOCKED)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, network);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long millis = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(1, millis)));
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean recordFailure(String network, String tenantId) throws BlocklistUnavailableException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                update(c, COUNT, tenantId, network, windowSeconds, windowSeconds);
                boolean blocked = update(c, BLOCK, blockSeconds, network, tenantId, network, network, windowSeconds,
                        maxFailures) > 0;
                c.commit();
                return blocked;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Deletes rows whose window and block are both over; runs on every replica, which is harmless. */
    @Scheduled(fixedDelayString = "5m", initialDelayString = "1m")
    void purge() {
        try (Connection c = pool.getConnection()) {
            int deleted = update(c, PURGE, windowSeconds);
            log.debug("Purged {} expired blocklist rows", deleted);
        } catch (SQLException e) {
            log.warn("Cannot purge expired blocklist rows; will try again: {}", e.getMessage());
        }
    }

    private int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** Wraps a store failure once; logs it at most once a minute, as an outage makes every request fail alike. */
    private BlocklistUnavailableException unavailable(SQLException e) {
        long now = System.currentTimeMillis();
        long last = lastOutageLog.get();
        if (now - last > 60_000 && lastOutageLog.compareAndSet(last, now)) {
            log.error("The IP blocklist store is unavailable; requests without a valid key get 503: {}", e.getMessage());
        }
        return new BlocklistUnavailableException("IP blocklist store unavailable", e);
    }

    private static HikariDataSource pool(GatewayProperties.Blocklist settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ip-blocklist");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, settings.acquireTimeout().toMillis()));
        config.setInitializationFailTimeout(-1);
        long seconds = Math.max(1, settings.queryTimeout().toSeconds());
        config.addDataSourceProperty("connectTimeout", seconds);
        config.addDataSourceProperty("socketTimeout", seconds + 1);
        config.addDataSourceProperty("ApplicationName", "ragstream-gateway-blocklist");
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pool.close();
    }
}
