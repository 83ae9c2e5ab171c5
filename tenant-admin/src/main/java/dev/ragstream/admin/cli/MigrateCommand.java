package dev.ragstream.admin.cli;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.platform.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant migrate <id> | --all}: applies pending ragdb migrations as each tenant's own role
 * and prints {@code <id>: schema version N}. With {@code --all}, a failing tenant does not stop
 * the others; the command then fails at the end, naming every tenant that failed.
 */
@Command(name = "migrate", description = "Apply pending ragdb migrations to one tenant or all of them.")
final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Parameters(paramLabel = "<id>", description = "Tenant id.")
        String id;
        @Option(names = "--all", required = true, description = "Every tenant in the tenants folder.")
        boolean all;
    }

    @Override
    public Integer call() {
        if (!which.all) {
            TenantFolder folder = TenantFolder.existing(cli, which.id);
            System.out.println(folder.id() + ": schema version " + migrate(folder));
            return 0;
        }
        List<TenantFolder> folders = TenantFolder.all(cli);
        List<String> failed = new ArrayList<>();
        for (TenantFolder folder : folders) {
            try {
                System.out.println(folder.id() + ": schema version " + migrate(folder));
            } catch (RuntimeException e) {
                System.err.println(folder.id() + ": failed: " + ErrorLine.of(e));
                failed.add(folder.id().value());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("migration failed for " + failed.size() + " of " + folders.size()
                    + " tenants: " + String.join(", ", failed));
        }
        System.out.println("Migrated " + folders.size() + " tenants");
        return 0;
    }

    /** @throws IllegalStateException naming the database and role, when the .env is unusable or a migration fails */
    private static String migrate(TenantFolder folder) {
        Tenant.Database db = folder.database();
        DatabaseTarget target;
        try {
            target = new DatabaseTarget(db.host(), db.port(), db.name(), db.user(), db.password());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot migrate " + db.name() + ": " + e.getMessage(), e);
        }
        try {
            return DatabaseProvisioner.migrate(target, DatabaseProvisioner.Kind.RAGDB);
        } catch (RuntimeException e) {
            throw new IllegalStateException(TenantDatabase.failure("cannot migrate", db, e), e);
        }
    }
}
