package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant delete <id> [--yes]}: removes the tenant's configuration folder after asking on
 * the terminal (or not at all with {@code --yes}); refuses when nobody can answer. The tenant's
 * database is left in place, and the command says how to drop it.
 */
@Command(name = "delete", description = "Delete a tenant's configuration folder (its database is kept).")
final class DeleteCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Parameters(index = "0", paramLabel = "<id>", description = "Tenant id.")
    String id;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        TenantFolder folder = TenantFolder.existing(cli, id);
        Tenant.Database database = databaseOf(folder);
        String kept = database == null ? "its database is kept" : "the database " + database.name() + " is kept";
        if (!yes) {
            confirm("Delete tenant " + folder.id() + "? This removes " + folder.dir() + "/ (" + kept + "). [y/N] ");
        }
        remove(folder);
        System.out.println("Deleted tenant " + folder.id() + ": removed " + folder.dir() + "/");
        if (database == null) {
            System.out.println("Its database was left in place (the .env could not be read, so its name is unknown).");
        } else {
            System.out.println("The database " + database.name() + " on " + database.host() + ":" + database.port()
                    + " was left in place. To drop it:");
            System.out.println("  psql -h " + database.host() + " -p " + database.port() + " -U " + cli.adminUser
                    + " -d postgres -c 'DROP DATABASE \"" + database.name() + "\" WITH (FORCE)'" + dropRole(database));
        }
        return 0;
    }

    /** The tenant's database settings, or null when its .env cannot be read: that must not prevent deleting it. */
    private static Tenant.Database databaseOf(TenantFolder folder) {
        try {
            return new Tenant(folder.id(), folder.variables()).database();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void confirm(String question) throws IOException {
        if (!cli.terminal.interactive()) {
            throw new IllegalStateException("stdin is not a terminal, so nobody can confirm: pass --yes to delete tenant "
                    + id + " (nothing was deleted)");
        }
        System.err.print(question);
        System.err.flush();
        String answer = cli.terminal.readLine();
        if (answer == null) {
            System.err.println(); // end of input typed: the next line starts on a line of its own
        }
        if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
            throw new IllegalStateException("not confirmed; tenant " + id + " was not deleted");
        }
    }

    /**
     * Renames the folder to a hidden name first, which services polling the tenants folder ignore:
     * the tenant disappears at once and as a whole, even if removing the files then takes a while.
     */
    private static void remove(TenantFolder folder) throws IOException {
        Path trash = folder.dir().resolveSibling("." + folder.id() + "-deleted-" + UUID.randomUUID());
        try {
            Files.move(folder.dir(), trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + folder.dir() + ": " + TenantFolder.reason(e)
                    + " (nothing was deleted)", e);
        }
        try (Stream<Path> paths = Files.walk(trash)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            System.err.println("Warning: the tenant is gone, but " + trash + " could not be removed completely: "
                    + TenantFolder.reason(e));
        }
    }

    /** Also drop the role, unless another tenant still uses it or its name would need quoting in a shell. */
    private String dropRole(Tenant.Database database) {
        if (!database.user().matches("[a-z_][a-z0-9_]{0,62}")) {
            return "";
        }
        boolean shared = TenantFolder.all(cli).stream().anyMatch(other -> {
            try {
                Tenant.Database theirs = other.database();
                return theirs.user().equals(database.user()) && theirs.host().equals(database.host())
                        && theirs.port() == database.port();
            } catch (RuntimeException unreadable) {
                return true; // cannot tell: keep the role
            }
        });
        return shared ? "" : " -c 'DROP ROLE \"" + database.user() + "\"'";
    }
}
