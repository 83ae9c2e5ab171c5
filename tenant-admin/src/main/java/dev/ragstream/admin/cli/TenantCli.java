package dev.ragstream.admin.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/tenant}: manage tenants. Every failure a user can cause ends with one clear line on
 * stderr ({@code Error: ...}, never a stack trace) and a non-zero exit code: 2 for an invalid
 * command line, 1 when the command itself failed.
 */
@Command(name = "tenant", mixinStandardHelpOptions = true,
        description = "Manage ragstream tenants (tenants/<id>/.env and their databases).",
        subcommands = {CreateCommand.class, ListCommand.class, ShowCommand.class, RegenerateKeysCommand.class,
                DeleteCommand.class, TestDbCommand.class, MigrateCommand.class, ImportCommand.class, ReindexCommand.class,
                DltCommand.class, CleanupHistoryCommand.class, InitChatDbCommand.class})
public final class TenantCli implements Callable<Integer> {

    /** Where questions are answered and progress is drawn. */
    final Terminal terminal;

    @Option(names = "--tenants-dir", description = "Tenants folder (default: $TENANTS_DIR or ./tenants).")
    Path tenantsDir;

    @Option(names = "--pg-admin-user", defaultValue = "${env:RAGSTREAM_PG_ADMIN_USER:-postgres}",
            description = "Superuser used to create roles and databases (default: postgres).")
    String adminUser;

    @Option(names = "--pg-admin-password", defaultValue = "${env:RAGSTREAM_PG_ADMIN_PASSWORD:-}",
            description = "Password of that superuser (default: $RAGSTREAM_PG_ADMIN_PASSWORD).")
    String adminPassword;

    public TenantCli() {
        this(Terminal.system());
    }

    TenantCli(Terminal terminal) {
        this.terminal = terminal;
    }

    Path tenantsDir() {
        if (tenantsDir != null) {
            return tenantsDir;
        }
        String env = System.getenv("TENANTS_DIR");
        return Path.of(env == null || env.isBlank() ? "tenants" : env);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Runs one command with stdout and stderr as they are now; returns its exit code. */
    public static int run(String... args) {
        return run(Terminal.system(), args);
    }

    /** Runs one command talking to {@code terminal} instead of the process's own. */
    static int run(Terminal terminal, String... args) {
        return new CommandLine(new TenantCli(terminal))
                .setParameterExceptionHandler((e, ignored) -> {
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println("Error: " + ErrorLine.of(e).replaceFirst("^Error: ", "") + " (see '"
                            + cmd.getCommandSpec().qualifiedName() + " --help')");
                    return cmd.getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("Error: " + ErrorLine.of(e));
                    return cmd.getCommandSpec().exitCodeOnExecutionException();
                })
                .execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
