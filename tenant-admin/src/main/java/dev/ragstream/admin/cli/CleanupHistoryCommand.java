package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant cleanup-history --tenant=<id> --older-than=<duration>}: deletes the chat sessions
 * last active before now minus the duration (the database's clock), their messages with them, in
 * the tenant's own ragdb through the tenant's own credentials.
 */
@Command(name = "cleanup-history", description = "Delete chat sessions (and their messages) inactive for a while.")
final class CleanupHistoryCommand implements Callable<Integer> {

    /** One statement: the outer query still sees the messages the cascade is about to delete. */
    private static final String DELETE = """
            WITH cutoff AS (SELECT now() - make_interval(secs => ?) AS at),
                 gone AS (DELETE FROM chat_sessions s USING cutoff WHERE s.last_active_at < cutoff.at RETURNING s.id)
            SELECT (SELECT count(*) FROM gone),
                   (SELECT count(*) FROM chat_messages m WHERE m.session_id IN (SELECT id FROM gone)),
                   (SELECT at FROM cutoff)""";

    @ParentCommand
    TenantCli cli;

    @Option(names = "--tenant", required = true, paramLabel = "<id>", description = "Tenant id.")
    String tenantId;

    @Option(names = "--older-than", required = true, paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Last activity older than this: 30d, 12h, 45m or ISO-8601 (P30D).")
    Duration olderThan;

    @Override
    public Integer call() {
        TenantFolder folder = TenantFolder.existing(cli, tenantId);
        Tenant.Database db = folder.database();
        try (Connection c = TenantDatabase.connect(db); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setDouble(1, olderThan.getSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                System.out.println("Deleted " + rs.getLong(1) + " sessions (" + rs.getLong(2) + " messages) older than "
                        + DurationConverter.format(olderThan) + " (last active before "
                        + rs.getTimestamp(3).toInstant() + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(TenantDatabase.failure("cannot delete chat history in", db, e), e);
        }
        return 0;
    }
}
