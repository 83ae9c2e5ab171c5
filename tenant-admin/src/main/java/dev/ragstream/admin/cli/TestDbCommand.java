package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant test-db <id>}: connects to the tenant's ragdb with the tenant's own credentials
 * (as the services do) and prints the server, pgvector and schema versions and the document and
 * chunk counts. Fails with one line when it cannot connect, and after printing what it found
 * when pgvector or the schema is missing.
 */
@Command(name = "test-db", description = "Check a tenant's database with the tenant's own credentials.")
final class TestDbCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Parameters(index = "0", paramLabel = "<id>", description = "Tenant id.")
    String id;

    @Override
    public Integer call() {
        TenantFolder folder = TenantFolder.existing(cli, id);
        Tenant.Database db = folder.database();
        List<String> missing = new ArrayList<>();
        try (Connection c = TenantDatabase.connect(db)) {
            System.out.println("Tenant: " + folder.id());
            System.out.println("Database: " + db.name() + " on " + db.host() + ":" + db.port() + " as " + db.user());
            System.out.println("Server version: " + single(c, "SHOW server_version"));
            String vector = single(c, "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
            System.out.println("pgvector version: " + (vector == null ? "not installed" : vector));
            String schema = schemaVersion(c);
            System.out.println("Schema version: " + (schema == null ? "none (not migrated)" : schema));
            if (schema != null) {
                System.out.println("Documents: " + single(c, "SELECT count(*) FROM documents WHERE status <> 'deleted'"));
                System.out.println("Chunks: " + single(c, "SELECT count(*) FROM chunks"));
            }
            if (vector == null) {
                missing.add("pgvector is not installed (CREATE EXTENSION vector, as a superuser)");
            }
            if (schema == null) {
                missing.add("the schema is not migrated (run 'tenant migrate " + folder.id() + "')");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(TenantDatabase.failure("cannot read", db, e), e);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("database " + db.name() + " is not ready: " + String.join("; ", missing));
        }
        System.out.println("Connection OK");
        return 0;
    }

    /** The latest successfully applied migration, null when Flyway never ran here. */
    private static String schemaVersion(Connection c) throws SQLException {
        if (single(c, "SELECT to_regclass('flyway_schema_history')::text") == null) {
            return null;
        }
        return single(c, "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1");
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
